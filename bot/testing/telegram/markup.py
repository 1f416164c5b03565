"""Strict parsers for Telegram HTML and MarkdownV2, as the Bot API applies them: they return the
text a phone shows, or raise the 400 Telegram gives for markup it cannot parse."""

from __future__ import annotations

import html
import re

_HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "span", "tg-spoiler", "tg-emoji", "blockquote",
}  # fmt: skip
_TAG = re.compile(r"<(/?)([a-z-]+)((?:\s+[a-z-]+=\"[^\"]*\")*)\s*>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_MD2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def _bad(detail: str) -> Exception:
    from bot.testing.telegram.fake_rules import ApiReply

    return ApiReply(400, f"Bad Request: can't parse entities: {detail}")


def html_visible(text: str) -> str:
    """Visible text of Telegram HTML; raises for unknown or unbalanced tags, a bare < or &."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "<":
            m = _TAG.match(text, i)
            if m is None or m.group(2) not in _HTML_TAGS:
                raise _bad(f"Unsupported start tag at byte offset {i}")
            closing, name = m.group(1), m.group(2)
            if closing:
                if not stack or stack.pop() != name:
                    raise _bad(f'Unmatched end tag at byte offset {i}, expected "</{name}>"')
            else:
                stack.append(name)
            i = m.end()
        elif c == "&":
            m = _ENTITY.match(text, i)
            if m is None:
                raise _bad(f"Unsupported HTML entity at byte offset {i}")
            out.append(html.unescape(m.group(0)))
            i = m.end()
        elif c == ">":
            raise _bad(f"Character '>' at byte offset {i} must be escaped")
        else:
            out.append(c)
            i += 1
    if stack:
        raise _bad(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _until(text: str, start: int, closer: str) -> int:
    """Index of the first unescaped ``closer`` at or after ``start``."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(closer, i):
            return i
        i += 1
    raise _bad(f"Can't find end of the entity starting at byte offset {start}")


def _unescape(raw: str) -> str:
    return re.sub(r"\\(.)", r"\1", raw, flags=re.S)


def md2_visible(text: str) -> str:
    """Visible text of MarkdownV2; raises for an unescaped reserved character or open entity."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if i + 1 >= len(text):
                raise _bad("Can't parse entity: backslash at the end")
            out.append(text[i + 1])
            i += 2
        elif text.startswith("```", i):
            end = _until(text, i + 3, "```")
            body = text[i + 3 : end]
            first, nl, rest = body.partition("\n")
            # An opening line names the language; the newline before the closing fence is
            # not part of the block.
            out.append(_unescape(rest if nl and " " not in first else body).removesuffix("\n"))
            i = end + 3
        elif c == "`":
            end = _until(text, i + 1, "`")
            out.append(_unescape(text[i + 1 : end]))
            i = end + 1
        elif text.startswith(("||", "__"), i):
            marker = text[i : i + 2]
            stack.pop() if stack and stack[-1] == marker else stack.append(marker)
            i += 2
        elif c in "*_~":
            stack.pop() if stack and stack[-1] == c else stack.append(c)
            i += 1
        elif c == "[":
            stack.append("[")
            i += 1
        elif c == "]" and stack and stack[-1] == "[" and text.startswith("(", i + 1):
            stack.pop()
            i = _until(text, i + 2, ")") + 1
        elif c in _MD2_RESERVED:
            raise _bad(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
        else:
            out.append(c)
            i += 1
    if stack:
        raise _bad(f"Can't find end of {stack[-1]} entity")
    return "".join(out)


def visible_text(text: str, parse_mode: str | None) -> str:
    """What the chat shows for ``text`` sent with ``parse_mode``."""
    if parse_mode == "HTML":
        return html_visible(text)
    if parse_mode == "MarkdownV2":
        return md2_visible(text)
    return text

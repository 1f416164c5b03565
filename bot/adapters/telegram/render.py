"""Neutral Reply → Telegram messages: HTML or MarkdownV2 markup, user-id mentions, inline
keyboards, splitting above Telegram's 4,096-character limit, and files with their captions.

The characters themselves are escaped by the driver's library (:class:`Escaping`), so what is
sent is what that library would send.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from bot.adapters.telegram.api import Escaping, Keyboard, OutFile, OutText
from bot.core.messages import Mention, Reply, TextFormat

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # sendPhoto's limit; larger pictures go as documents
MAX_CALLBACK_BYTES = 64
TOKEN_MARK = "~"
"""callback_data starting with this is a stored action token, not the command itself."""

_MD_INLINE = re.compile(
    r"```(?:[^\n`]*\n)?(?P<pre>.*?)```"
    r"|`(?P<code>[^`\n]+)`"
    r"|\*\*(?P<bold>\S(?:[^*\n]*?\S)?)\*\*"
    r"|(?<![\w*])(?P<d>[*_])(?P<italic>\S(?:[^*_\n]*?\S)?)(?P=d)(?![\w*])"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>(?:[^()\s]|\([^()\s]*\))+)\)",
    re.S,
)
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.M)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units; emoji outside the BMP count two)."""
    return len(text.encode("utf-16-le")) // 2


def direct_callback(command: str) -> bool:
    """True when a button's command fits into callback_data as it is."""
    return not command.startswith(TOKEN_MARK) and len(command.encode()) <= MAX_CALLBACK_BYTES


def markdown_to_md2(text: str, escape: Escaping) -> str:
    """Common Markdown (``**bold**``, ``*italic*``, `` `code` ``, fences, links, ``#`` headings)
    → Telegram MarkdownV2. Anything unmatched is escaped, so the result always parses."""
    text = _HEADING.sub(lambda m: f"**{m.group(1).strip()}**", text)
    out: list[str] = []
    pos = 0
    for m in _MD_INLINE.finditer(text):
        out.append(escape.md2(text[pos : m.start()]))
        pos = m.end()
        if m.group("pre") is not None:
            body = escape.md2_code(m.group("pre").strip("\n"))
            out.append(f"```\n{body}\n```")
        elif m.group("code") is not None:
            out.append(f"`{escape.md2_code(m.group('code'))}`")
        elif m.group("bold") is not None:
            out.append(f"*{escape.md2(m.group('bold'))}*")
        elif m.group("italic") is not None:
            out.append(f"_{escape.md2(m.group('italic'))}_")
        else:
            out.append(f"[{escape.md2(m.group('label'))}]({escape.md2_url(m.group('url'))})")
    out.append(escape.md2(text[pos:]))
    return "".join(out)


def markdown_plain(text: str) -> str:
    """What a Markdown text shows without its markup (fallback if Telegram rejects it)."""
    text = _HEADING.sub(lambda m: m.group(1), text)

    def visible(m: re.Match[str]) -> str:
        if m.group("pre") is not None:
            return str(m.group("pre")).strip("\n")
        for name in ("code", "bold", "italic"):
            if m.group(name) is not None:
                return str(m.group(name))
        return f"{m.group('label')} ({m.group('url')})"

    return _MD_INLINE.sub(visible, text)


def _mention(m: Mention, markdown: bool, escape: Escaping) -> str:
    quote = escape.md2 if markdown else escape.html
    if not m.user_id.lstrip("-").isdigit():
        return "@" + quote(m.name)
    link = f"tg://user?id={m.user_id}"
    if markdown:
        return f"[{quote(m.name)}]({link})"  # digits only: nothing to escape
    return f'<a href="{link}">{quote(m.name)}</a>'


def split_text(text: str, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` UTF-16 units, at line ends where possible,
    then at spaces or Chinese punctuation, and only as a last resort mid-word."""
    pieces: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while utf16_len(line) > limit:
            cut = _cut_point(line, limit)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:]
        if utf16_len(current) + utf16_len(line) > limit:
            pieces.append(current)
            current = ""
        current += line
    if current or not pieces:
        pieces.append(current)
    return [p.rstrip("\n") or p for p in pieces]


def _cut_point(line: str, limit: int) -> int:
    end = limit
    while utf16_len(line[:end]) > limit:
        end -= 1
    for i in range(end, end // 2, -1):
        if line[i - 1] in " ，。；、,.;":
            return i
    return end


def render(
    reply: Reply, callback_data: Mapping[str, str], escape: Escaping, limit: int = MAX_TEXT
) -> list[OutText]:
    """Telegram messages for ``reply``: mentions on the first, buttons on the last.

    Args:
        reply: The neutral reply.
        callback_data: For each button command, the callback_data to put on its button
            (the command itself, or a stored token when it is longer than 64 bytes).
        escape: The driver library's escaping helpers.
        limit: The most characters one message may show.
    """
    markdown = reply.format is TextFormat.MARKDOWN
    head = " ".join(_mention(m, markdown, escape) for m in reply.mentions)
    head_plain = " ".join(f"@{m.name}" for m in reply.mentions)
    room = limit - (utf16_len(head_plain) + 1 if head else 0)
    keyboard: Keyboard = tuple(
        tuple((b.label, callback_data[b.command]) for b in row) for row in reply.buttons
    )
    pieces = split_text(reply.text, room)
    out: list[OutText] = []
    for i, piece in enumerate(pieces):
        if markdown:
            text, plain = markdown_to_md2(piece, escape), markdown_plain(piece)
        else:
            text, plain = escape.html(piece), piece
        if i == 0 and head:
            text, plain = f"{head}\n{text}", f"{head_plain}\n{plain}"
        last = i == len(pieces) - 1
        out.append(
            OutText(text, "MarkdownV2" if markdown else "HTML", keyboard if last else (), plain)
        )
    return out


def render_file(
    reply: Reply, callback_data: Mapping[str, str], escape: Escaping
) -> list[OutText | OutFile]:
    """The messages for a reply with a file: the file with the text as its caption when that
    fits in 1,024 characters, else the text as messages of its own and then the file."""
    file = reply.attachment
    if file is None:
        raise ValueError("render_file needs a reply with an attachment")
    photo = file.is_photo and len(file.data) <= MAX_PHOTO_BYTES
    text = replace(reply, attachment=None)
    caption = render(text, callback_data, escape, MAX_CAPTION)
    if len(caption) == 1:
        return [OutFile(file.name, file.data, photo, caption[0])]
    return [
        *render(text, callback_data, escape),
        OutFile(file.name, file.data, photo, OutText("", None)),
    ]

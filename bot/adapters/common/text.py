"""Rendering replies for platforms lacking a feature: byte-limit splits, buttons as hints, a
note in place of a file a chat cannot receive."""

from __future__ import annotations

from dataclasses import replace

from bot.core.messages import Reply


def split_bytes(text: str, limit: int) -> list[str]:
    """Split ``text`` into pieces of at most ``limit`` UTF-8 bytes, at line ends where possible."""
    if len(text.encode("utf-8")) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line.encode("utf-8")) > limit:  # one line too long by itself: cut by characters
            head = _prefix(line, limit - len(current.encode("utf-8")))
            if not head:
                pieces.append(current)
                current = ""
                continue
            pieces.append(current + head)
            current, line = "", line[len(head) :]
        if len((current + line).encode("utf-8")) > limit:
            pieces.append(current)
            current = ""
        current += line
    if current:
        pieces.append(current)
    return [p.rstrip("\n") for p in pieces if p.strip()]


def _prefix(text: str, limit: int) -> str:
    """The longest prefix of ``text`` that fits in ``limit`` bytes."""
    encoded = text.encode("utf-8")[: max(limit, 0)]
    return encoded.decode("utf-8", "ignore")


def button_hint(reply: Reply) -> str:
    """The buttons as text people can type: ``[收到] 回复「收到 123」``, one row per line."""
    rows = ["  ".join(f"[{b.label}] 回复「{b.command}」" for b in row) for row in reply.buttons]
    return "\n".join(rows)


def with_hints(reply: Reply) -> str:
    """The reply text followed by its button hints (for platforms that cannot show buttons)."""
    hint = button_hint(reply)
    return f"{reply.text}\n\n{hint}" if hint else reply.text


def without_file(reply: Reply, why: str) -> Reply:
    """The reply with its file replaced by a note: why it cannot come here, and how else to
    get it (``Attachment.elsewhere``)."""
    file = reply.attachment
    if file is None:
        return reply
    how = file.elsewhere or "私聊机器人重新发送命令，或请管理员导出"
    note = f"（{why}，附件「{file.name}」未随本消息发出。获取方式：{how}。）"
    return replace(reply, text=f"{reply.text}\n{note}" if reply.text else note, attachment=None)

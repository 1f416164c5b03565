"""The edge where text enters: control characters out, over-long messages refused.

Every message from a platform passes :func:`tidy` before it is stored or matched, and every
imported cell passes :func:`clean`. PostgreSQL cannot store NUL in a text column, and other C0/C1
control characters only hide text from people and from the secrecy guard; newline and tab stay.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from bot.core.messages import IncomingMessage, Reply

# C0 except tab (\x09) and newline (\x0a); DEL; C1. \r is dropped so that CRLF reads as LF.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """``text`` without C0/C1 control characters (NUL included); newline and tab are kept."""
    return _CONTROL.sub("", text)


def tidy(msg: IncomingMessage) -> IncomingMessage:
    """``msg`` with every text field cleaned (the same object when nothing changes)."""
    if not any(_CONTROL.search(v) for v in (msg.text, msg.sender_name, msg.chat_title)):
        return msg
    return dataclasses.replace(
        msg,
        text=clean(msg.text),
        sender_name=clean(msg.sender_name),
        chat_title=clean(msg.chat_title),
    )


def too_long(msg: IncomingMessage, max_chars: int) -> tuple[str, dict[str, Any], Reply] | None:
    """For a message longer than ``max_chars``: the outcome, the audit detail (its length, never
    the text) and the refusal; None when it fits."""
    if len(msg.text) <= max_chars:
        return None
    refusal = Reply(
        f"消息过长（{len(msg.text)} 字，上限 {max_chars} 字），未处理也未保存。"
        "请删减后重发，或分成几条发送；大段材料请作为文件导入。"
    )
    return "too_long", {"chars": len(msg.text)}, refusal

"""Redaction of outbound text: what carries a 密级 marking is replaced and the rest goes out.

A row that holds a marking (stored before the guard existed, or brought in some other way) must
neither leave the bot nor make later output fail. The outbox and the sender replace each line
that carries a marking (each string, in a JSON document such as a 12345 step), drop a button or a
file whose label or name carries one, and flag the payload so the administrators are told.
"""

from __future__ import annotations

import json
from typing import Any

from bot.core.secrecy import Finding, find, find_any

REDACTED = "〔此处含密级标识，已隐去〕"
FILE_DROPPED = "〔附件名称含密级标识，附件未发送〕"
FLAG = "redacted"
"""Payload key set on a redacted row; its value is the reason, for the administrators' notice."""


def _document(text: str) -> Any:
    """The JSON object or array ``text`` holds, or None when it is not one."""
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def redact(text: str) -> str:
    """``text`` with every line that carries a marking replaced by :data:`REDACTED`.

    A JSON document stays one: its strings are redacted instead of its lines. What still
    carries a marking afterwards (one spread over several lines) is replaced whole.
    """
    if find(text) is None:
        return text
    document = _document(text)
    if document is not None:
        out = json.dumps(_clean(document), ensure_ascii=False)
    else:
        out = "\n".join(REDACTED if find(line) else line for line in text.split("\n"))
    return REDACTED if find(out) is not None else out


def _plain(button: dict[str, Any]) -> bool:
    return find_any(str(button["label"]), str(button["command"])) is None


def screen(payload: dict[str, Any]) -> tuple[dict[str, Any], Finding | None]:
    """An outbox payload with its marked text redacted and marked buttons or file dropped.

    Returns:
        The payload (unchanged when nothing is marked) and the first marking found, if any.
    """
    buttons: list[list[dict[str, Any]]] = payload.get("buttons", [])
    file = payload.get("attachment")
    finding = find_any(
        str(payload.get("text", "")),
        *(str(b[part]) for row in buttons for b in row for part in ("label", "command")),
        str(file["name"]) if file else "",
    )
    if finding is None:
        return payload, None
    out = {**payload, "text": redact(str(payload.get("text", ""))), FLAG: finding.reason}
    out.pop("buttons", None)
    if rows := [kept for row in buttons if (kept := [b for b in row if _plain(b)])]:
        out["buttons"] = rows
    if file and find(str(file["name"])):
        del out["attachment"]
        out["text"] = f"{out['text']}\n{FILE_DROPPED}".strip()
    return out, finding

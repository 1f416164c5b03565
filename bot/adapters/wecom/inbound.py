"""WeCom callback bodies: the encrypted envelope (XML or JSON) and the decrypted message."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET

from bot.adapters.wecom.crypto import WeComCryptoError
from bot.core.messages import ChatKind, IncomingMessage
from bot.http.body import loads

PLATFORM = "wecom"


def _xml_fields(text: str) -> dict[str, str]:
    # Entity declarations are never legitimate here and are how XML bombs start.
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise WeComCryptoError("回调 XML 含 DOCTYPE/ENTITY 声明，已拒绝")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise WeComCryptoError(f"回调内容不是合法的 XML：{exc}") from None
    return {child.tag: (child.text or "").strip() for child in root}


def _json_fields(text: str) -> dict[str, str]:
    try:
        data = loads(text)
    except ValueError as exc:
        raise WeComCryptoError(f"回调内容不是合法的 JSON：{exc}") from None
    if not isinstance(data, dict):
        raise WeComCryptoError("回调 JSON 顶层应为对象")
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}


def parse_message(text: str) -> dict[str, str]:
    """The fields of a decrypted message, from WeCom's XML or JSON form.

    Raises:
        WeComCryptoError: the text is neither well-formed XML nor JSON (Tencent's own JSON
            sample is malformed: vector V4 of docs/platforms.md §WeCom test vectors).
    """
    stripped = text.lstrip()
    return _xml_fields(stripped) if stripped.startswith("<") else _json_fields(stripped)


def envelope_encrypt(body: bytes) -> str:
    """The ``Encrypt``/``encrypt`` field of a POSTed callback envelope."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WeComCryptoError("回调内容不是 UTF-8 文本") from None
    fields = parse_message(text)
    encrypt = fields.get("Encrypt") or fields.get("encrypt")
    if not encrypt:
        raise WeComCryptoError("回调内容缺少 Encrypt 字段")
    return encrypt


def _event_id(fields: dict[str, str]) -> str:
    """Events carry no MsgId: WeCom's advice is sender + create time (plus what was pressed)."""
    raw = "|".join(fields.get(k, "") for k in ("FromUserName", "CreateTime", "Event", "EventKey"))
    return "evt:" + hashlib.sha1(raw.encode("utf-8")).hexdigest()


FILE_TYPES = ("image", "file")
"""Message types that carry a ``MediaId`` to fetch with ``media/get`` (no caption: WeCom sends
a picture or a file as a message of its own)."""


def media_of(fields: dict[str, str]) -> tuple[str, str, str] | None:
    """(media id, file name, MIME type guess) of an image or file message, else None."""
    kind, media_id = fields.get("MsgType", ""), fields.get("MediaId", "")
    if kind not in FILE_TYPES or not media_id:
        return None
    if kind == "image":
        return media_id, "", "image/jpeg"  # the download's own type and name win
    return media_id, fields.get("FileName", ""), ""


def to_incoming(fields: dict[str, str]) -> IncomingMessage | None:
    """A neutral message for text, pictures and files (without their bytes: the adapter fetches
    them, see :func:`media_of`), menu clicks and template-card button presses; else None.

    App callbacks come only from one-to-one chats with the app, so the chat address is the
    sender's userid, the same string a binding stores.
    """
    sender = fields.get("FromUserName", "")
    kind = fields.get("MsgType", "")
    if not sender:
        return None
    if media_of(fields) is not None:
        text, message_id, button = "", fields.get("MsgId", ""), False
        if not message_id:
            return None
    elif kind == "text":
        text, message_id, button = fields.get("Content", ""), fields.get("MsgId", ""), False
    elif kind == "event" and fields.get("Event") in ("template_card_event", "click"):
        text, message_id, button = fields.get("EventKey", ""), _event_id(fields), True
    else:
        return None
    if (not text.strip() and kind not in FILE_TYPES) or not message_id:
        return None
    return IncomingMessage(
        platform=PLATFORM,
        chat_id=sender,
        chat_kind=ChatKind.PRIVATE,
        sender_id=sender,
        sender_name=sender,
        text=text.strip(),
        message_id=message_id,
        is_button=button,
    )

"""Feishu event callbacks: verification, decryption, the messages and button presses inside."""

from __future__ import annotations

from typing import Any

from bot.adapters.feishu.crypto import FeishuCryptoError, decrypt
from bot.core.messages import ChatKind, IncomingMessage
from bot.http.body import loads

PLATFORM = "feishu"
GROUP_PREFIX = "chat:"


def open_event(raw: bytes, encrypt_key: str, verification_token: str) -> dict[str, Any]:
    """The event in a callback body, decrypted, its Verification Token checked. (Its signature
    is the adapter's to check: the URL challenge comes unsigned.)

    Raises:
        FeishuCryptoError: not encrypted, undecryptable, or the wrong verification token.
    """
    try:
        body = loads(raw)
    except ValueError:
        raise FeishuCryptoError("事件内容不是合法的 JSON") from None
    if not isinstance(body, dict) or "encrypt" not in body:
        raise FeishuCryptoError("事件未加密：请在飞书后台「加密策略」设置 Encrypt Key")
    try:
        body = loads(decrypt(encrypt_key, str(body["encrypt"])))
    except ValueError:
        raise FeishuCryptoError("解密后的事件不是合法的 JSON") from None
    if not isinstance(body, dict):
        raise FeishuCryptoError("解密后的事件 JSON 顶层应为对象")
    token = body.get("token") or (body.get("header") or {}).get("token", "")
    if token != verification_token:
        raise FeishuCryptoError(
            "Verification Token 不符：请核对 DUTYBOT_FEISHU_VERIFICATION_TOKEN"
        )
    return body


def _chat(open_id: str, chat_id: str, group: bool) -> tuple[str, ChatKind]:
    return (f"{GROUP_PREFIX}{chat_id}", ChatKind.GROUP) if group else (open_id, ChatKind.PRIVATE)


def to_incoming(body: dict[str, Any]) -> IncomingMessage | None:
    """A neutral message for a text message or a card button press; None for anything else.

    Private chats are addressed by the sender's open_id (the binding's external id); groups by
    ``chat:<chat_id>``. The inbox deduplicates on the event id (Feishu re-sends events).
    """
    header, event = body.get("header") or {}, body.get("event") or {}
    event_id, kind = str(header.get("event_id", "")), header.get("event_type")
    if kind == "im.message.receive_v1":
        sender, message = event.get("sender") or {}, event.get("message") or {}
        open_id = str((sender.get("sender_id") or {}).get("open_id", ""))
        if sender.get("sender_type") != "user" or message.get("message_type") != "text":
            return None
        try:
            content = loads(str(message.get("content") or "{}"))
        except ValueError:
            return None
        text = str(content.get("text", "")) if isinstance(content, dict) else ""
        mentions = message.get("mentions") or []
        for mention in mentions:  # "@_user_1 /help" → "/help"
            text = text.replace(str(mention.get("key", "")), " ")
        group = message.get("chat_type") == "group"
        chat_id, chat_kind = _chat(open_id, str(message.get("chat_id", "")), group)
        button = False
    elif kind == "card.action.trigger":
        open_id = str((event.get("operator") or {}).get("open_id", ""))
        value = (event.get("action") or {}).get("value") or {}
        text, mentions, button = str(value.get("command", "")), [], True
        context = event.get("context") or {}
        chat_id, chat_kind = _chat(
            open_id, str(context.get("open_chat_id", "")), bool(value.get("group"))
        )
    else:
        return None
    if not text.strip() or not open_id or not event_id:
        return None
    return IncomingMessage(
        platform=PLATFORM,
        chat_id=chat_id,
        chat_kind=chat_kind,
        sender_id=open_id,
        text=text.strip(),
        message_id=event_id,
        is_button=button,
        mentions_bot=bool(mentions),
    )

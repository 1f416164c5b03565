"""Telegram update JSON → neutral IncomingMessage (text messages and button presses).

The message id is ``<bot id>:<update_id>``. Telegram numbers updates per bot and redelivers
the same update_id on every retry (polling before the offset moves, webhook until 2xx), so
it is the right deduplication key; it also covers button presses, which have no message id
of their own (two presses on one keyboard are two updates). The bot id keeps keys apart when
the county replaces its bot and a new bot's update_ids start again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.adapters.telegram.api import BotIdentity
from bot.core.messages import ChatKind, IncomingMessage

PLATFORM = "telegram"
_GROUP_TYPES = ("group", "supergroup")


@dataclass(frozen=True, slots=True)
class Received:
    """What one update asks of the adapter.

    Attributes:
        message: The message for the dispatcher, if the update carries one.
        callback_id: A button press to answer (stops the phone's spinner).
        migrated: (old chat id, new chat id) when a group became a supergroup.
    """

    message: IncomingMessage | None = None
    callback_id: str | None = None
    migrated: tuple[str, str] | None = None


def _name(user: dict[str, Any]) -> str:
    parts = [user.get("first_name", ""), user.get("last_name", "")]
    return " ".join(p for p in parts if p) or str(user.get("username", ""))


def _addressed(message: dict[str, Any], text: str, me: BotIdentity) -> tuple[bool, str]:
    """Whether the bot is @-mentioned or replied to; the text without a leading @mention."""
    handle = f"@{me.username}".lower() if me.username else None
    mentioned = False
    for entity in message.get("entities") or message.get("caption_entities") or ():
        kind, start, length = entity.get("type"), entity.get("offset", 0), entity.get("length", 0)
        named = kind == "mention" and _utf16_slice(text, start, length).lower() == handle
        by_id = kind == "text_mention" and (entity.get("user") or {}).get("id") == me.id
        mentioned = mentioned or bool(handle and named) or by_id
    replied = ((message.get("reply_to_message") or {}).get("from") or {}).get("id") == me.id
    if handle and text.lower().startswith(handle):
        text = text[len(handle) :].lstrip(" \u3000,，:：")
    return mentioned or replied, text


def _utf16_slice(text: str, start: int, length: int) -> str:
    """Entity offsets count UTF-16 units."""
    raw = text.encode("utf-16-le")
    return raw[start * 2 : (start + length) * 2].decode("utf-16-le", errors="replace")


def _message(
    update_key: str, chat: dict[str, Any], user: dict[str, Any], text: str, **extra: Any
) -> IncomingMessage | None:
    kind = chat.get("type")
    if kind != "private" and kind not in _GROUP_TYPES:
        return None  # channel posts are not conversations with the bot
    return IncomingMessage(
        platform=PLATFORM,
        chat_id=str(chat["id"]),
        chat_kind=ChatKind.PRIVATE if kind == "private" else ChatKind.GROUP,
        sender_id=str(user["id"]),
        sender_name=_name(user),
        text=text,
        message_id=update_key,
        chat_title=str(chat.get("title", "")),
        **extra,
    )


def parse(update: dict[str, Any], me: BotIdentity) -> Received:
    """Translate one update. Updates of other kinds yield an empty :class:`Received`."""
    key = f"{me.id}:{update['update_id']}"
    query = update.get("callback_query")
    if query is not None:
        origin = query.get("message") or {}
        data = query.get("data")
        if not data or "chat" not in origin:
            return Received(callback_id=str(query["id"]))  # inline-mode or game buttons
        msg = _message(key, origin["chat"], query["from"], str(data), is_button=True)
        return Received(message=msg, callback_id=str(query["id"]))
    message = update.get("message")
    if message is None:
        return Received()
    if "migrate_to_chat_id" in message:
        return Received(migrated=(str(message["chat"]["id"]), str(message["migrate_to_chat_id"])))
    text = message.get("text") or message.get("caption")
    user = message.get("from")
    if not text or user is None or user.get("is_bot"):
        return Received()
    mentioned, text = _addressed(message, str(text), me)
    return Received(message=_message(key, message["chat"], user, text, mentions_bot=mentioned))

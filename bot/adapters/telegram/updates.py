"""A library's parsed Telegram ``Update`` → neutral IncomingMessage (messages, button presses,
and which document or photo a message carries: the adapter downloads it).

The driver's library has already turned the JSON into objects (``telegram.Update`` or
``aiogram.types.Update``); this reads them through the attributes both name alike
(:mod:`bot.adapters.telegram.shapes`), so there is one translation for both drivers.

The message id is ``<bot id>:<update_id>``. Telegram numbers updates per bot and redelivers
the same update_id on every retry (polling before the offset moves, webhook until 2xx), so
it is the right deduplication key; it also covers button presses, which have no message id
of their own (two presses on one keyboard are two updates). The bot id keeps keys apart when
the county replaces its bot and a new bot's update_ids start again.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.adapters.telegram.api import BotIdentity
from bot.adapters.telegram.shapes import ChatShape, MessageShape, UpdateShape, UserShape
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
    file: FileRef | None = None


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file the message carries, to fetch with getFile (the adapter downloads it)."""

    file_id: str
    name: str
    mime: str


def _file(message: MessageShape) -> FileRef | None:
    """The document or (largest) photo of ``message``, if any."""
    if message.document is not None:
        doc = message.document
        return FileRef(doc.file_id, doc.file_name or "", doc.mime_type or "")
    if message.photo:
        return FileRef(message.photo[-1].file_id, "", "image/jpeg")  # Telegram re-encodes
    return None


def _utf16_slice(text: str, start: int, length: int) -> str:
    """Entity offsets count UTF-16 units (as both libraries' own entity helpers slice them)."""
    raw = text.encode("utf-16-le")
    return raw[start * 2 : (start + length) * 2].decode("utf-16-le", errors="replace")


def _addressed(message: MessageShape, text: str, me: BotIdentity) -> tuple[bool, str]:
    """Whether the bot is @-mentioned or replied to; the text without a leading @mention."""
    handle = f"@{me.username}".lower() if me.username else None
    mentioned = False
    for entity in message.entities or message.caption_entities or ():
        if entity.type == "text_mention":  # a user without a username, named by id
            mentioned = mentioned or (entity.user is not None and entity.user.id == me.id)
        elif entity.type == "mention" and handle is not None:
            shown = _utf16_slice(text, entity.offset, entity.length)
            mentioned = mentioned or shown.lower() == handle
    origin = message.reply_to_message
    replied = origin is not None and origin.from_user is not None and origin.from_user.id == me.id
    if handle and text.lower().startswith(handle):
        text = text[len(handle) :].lstrip(" \u3000,，:：")
    return mentioned or replied, text


def _message(
    update_key: str,
    chat: ChatShape,
    user: UserShape,
    text: str,
    *,
    is_button: bool = False,
    mentions_bot: bool = False,
) -> IncomingMessage | None:
    if chat.type != "private" and chat.type not in _GROUP_TYPES:
        return None  # channel posts are not conversations with the bot
    return IncomingMessage(
        platform=PLATFORM,
        chat_id=str(chat.id),
        chat_kind=ChatKind.PRIVATE if chat.type == "private" else ChatKind.GROUP,
        sender_id=str(user.id),
        sender_name=user.full_name or user.username or "",
        text=text,
        message_id=update_key,
        chat_title=chat.title or "",
        is_button=is_button,
        mentions_bot=mentions_bot,
    )


def translate(update: UpdateShape, me: BotIdentity) -> Received:
    """Translate one update. Updates of other kinds yield an empty :class:`Received`."""
    key = f"{me.id}:{update.update_id}"
    query = update.callback_query
    if query is not None:
        if not query.data or query.message is None:
            return Received(callback_id=query.id)  # inline-mode or game buttons
        msg = _message(key, query.message.chat, query.from_user, query.data, is_button=True)
        return Received(message=msg, callback_id=query.id)
    message = update.message
    if message is None:
        return Received()
    if message.migrate_to_chat_id is not None:
        return Received(migrated=(str(message.chat.id), str(message.migrate_to_chat_id)))
    text = message.text or message.caption or ""
    user = message.from_user
    file = _file(message)
    if not (text or file) or user is None or user.is_bot:
        return Received()
    mentioned, text = _addressed(message, text, me)
    msg = _message(key, message.chat, user, text, mentions_bot=mentioned)
    return Received(message=msg, file=file if msg is not None else None)

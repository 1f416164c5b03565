"""What the adapter reads from a library's parsed ``Update``: the attributes python-telegram-bot
(``telegram.Update``) and aiogram (``aiogram.types.Update``) name and type alike.

Both libraries model the Bot API objects field by field (``from`` becomes ``from_user`` in
both), so one translation serves both drivers; mypy checks that each library's classes still
have this shape wherever a driver hands its objects to the adapter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class UserShape(Protocol):
    """A ``User``."""

    @property
    def id(self) -> int: ...

    @property
    def is_bot(self) -> bool: ...

    @property
    def username(self) -> str | None: ...

    @property
    def full_name(self) -> str:
        """First name, then the last name if there is one (both libraries' property)."""
        ...


class ChatShape(Protocol):
    """A ``Chat``."""

    @property
    def id(self) -> int: ...

    @property
    def type(self) -> str: ...

    @property
    def title(self) -> str | None: ...


class EntityShape(Protocol):
    """A ``MessageEntity`` (offsets and lengths in UTF-16 code units)."""

    @property
    def type(self) -> str: ...

    @property
    def offset(self) -> int: ...

    @property
    def length(self) -> int: ...

    @property
    def user(self) -> UserShape | None: ...


class DocumentShape(Protocol):
    """A ``Document`` (a file sent as a file)."""

    @property
    def file_id(self) -> str: ...

    @property
    def file_name(self) -> str | None: ...

    @property
    def mime_type(self) -> str | None: ...


class PhotoSizeShape(Protocol):
    """One size of a ``photo`` (Telegram sends several, the largest last; always JPEG)."""

    @property
    def file_id(self) -> str: ...


class MessageShape(Protocol):
    """A ``Message`` (text or caption, a document or photo, service fields)."""

    @property
    def chat(self) -> ChatShape: ...

    @property
    def from_user(self) -> UserShape | None: ...

    @property
    def text(self) -> str | None: ...

    @property
    def caption(self) -> str | None: ...

    @property
    def entities(self) -> Sequence[EntityShape] | None: ...

    @property
    def caption_entities(self) -> Sequence[EntityShape] | None: ...

    @property
    def reply_to_message(self) -> MessageShape | None: ...

    @property
    def migrate_to_chat_id(self) -> int | None: ...

    @property
    def document(self) -> DocumentShape | None: ...

    @property
    def photo(self) -> Sequence[PhotoSizeShape] | None: ...


class OriginShape(Protocol):
    """The message a pressed button hangs under (it may be too old to read: only its chat)."""

    @property
    def chat(self) -> ChatShape: ...


class CallbackShape(Protocol):
    """A ``CallbackQuery``."""

    @property
    def id(self) -> str: ...

    @property
    def from_user(self) -> UserShape: ...

    @property
    def message(self) -> OriginShape | None: ...

    @property
    def data(self) -> str | None: ...


class UpdateShape(Protocol):
    """An ``Update``; kinds the bot does not ask for (edits, member changes) are not read."""

    @property
    def update_id(self) -> int: ...

    @property
    def message(self) -> MessageShape | None: ...

    @property
    def callback_query(self) -> CallbackShape | None: ...

"""Neutral message types shared by every platform adapter and every handler."""

from __future__ import annotations

import base64
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PHOTO_TYPES = ("image/png", "image/jpeg")
"""Image types every platform shows inline as a picture; other files go as documents."""


class ChatKind(enum.StrEnum):
    """Whether a chat is one-to-one or a group."""

    PRIVATE = "private"
    GROUP = "group"


class TextFormat(enum.StrEnum):
    """How a reply's text should be rendered; adapters do the escaping."""

    TEXT = "text"
    MARKDOWN = "markdown"


@dataclass(frozen=True, slots=True)
class Target:
    """A serialisable address such as ``telegram:-100123`` or ``wecom:robot:防汛群``.

    The platform is the part before the first colon; the rest is the platform's own address
    and may itself contain colons.
    """

    platform: str
    address: str

    @classmethod
    def parse(cls, value: str) -> Target:
        """Parse ``platform:address``; raises ValueError with a Chinese message when malformed."""
        platform, sep, address = value.partition(":")
        if not sep or not platform or not address:
            raise ValueError(
                f"目标地址格式应为「平台:地址」，例如 telegram:-100123，收到「{value}」"
            )
        return cls(platform.strip().lower(), address.strip())

    def __str__(self) -> str:
        return f"{self.platform}:{self.address}"


@dataclass(frozen=True, slots=True)
class InboundFile:
    """A file or picture someone sent the bot, as the adapter downloaded it.

    The adapter fills in what the platform says (name, MIME type) and the bytes it fetched; the
    core checks kind, size and markings (:mod:`bot.core.inbound_files`) before anything is
    stored. ``size`` is the length of ``data``.
    """

    name: str
    mime: str
    data: bytes = field(default=b"", repr=False)

    @property
    def size(self) -> int:
        """Bytes in the file."""
        return len(self.data)

    @property
    def is_photo(self) -> bool:
        """A PNG or JPEG picture."""
        return self.mime in PHOTO_TYPES

    def to_dict(self) -> dict[str, str]:
        """Serialise for the inbox (the bytes as base64; the inbox forgets them once handled)."""
        return {
            "name": self.name,
            "mime": self.mime,
            "data": base64.b64encode(self.data).decode("ascii"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> InboundFile:
        """Inverse of :meth:`to_dict`."""
        return cls(data["name"], data["mime"], base64.b64decode(data["data"]))


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One message or button press received from a platform.

    Attributes:
        platform: Adapter name, e.g. ``telegram`` or ``console``.
        chat_id: The platform's chat address (what a reply is sent to).
        chat_kind: Private chat or group.
        sender_id: The platform's stable id of the person who sent it.
        text: Message text; for a button press, the command the button stands for.
        message_id: The platform's id, unique per platform; used to drop duplicates.
        sender_name: Display name as the platform reports it (for logs only).
        is_button: True when this came from pressing a button rather than typing.
        mentions_bot: True when the bot was @-mentioned (group chats).
        chat_title: Group name as the platform reports it.
        file: A file or picture sent with the message (``text`` is then its caption).
    """

    platform: str
    chat_id: str
    chat_kind: ChatKind
    sender_id: str
    text: str
    message_id: str
    sender_name: str = ""
    is_button: bool = False
    mentions_bot: bool = False
    chat_title: str = ""
    file: InboundFile | None = None

    @property
    def chat_target(self) -> Target:
        """Where replies to this message go."""
        return Target(self.platform, self.chat_id)

    def to_dict(self) -> dict[str, Any]:
        """Serialise for the inbox."""
        return {
            "platform": self.platform,
            "chat_id": self.chat_id,
            "chat_kind": self.chat_kind.value,
            "sender_id": self.sender_id,
            "text": self.text,
            "message_id": self.message_id,
            "sender_name": self.sender_name,
            "is_button": self.is_button,
            "mentions_bot": self.mentions_bot,
            "chat_title": self.chat_title,
            **({"file": self.file.to_dict()} if self.file is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IncomingMessage:
        """Inverse of :meth:`to_dict`."""
        file = InboundFile.from_dict(data["file"]) if data.get("file") else None
        return cls(**{**data, "chat_kind": ChatKind(data["chat_kind"]), "file": file})


@dataclass(frozen=True, slots=True)
class Button:
    """A neutral button. Pressing it is the same as sending ``command`` as text.

    Platforms without buttons show the command so people can type it instead.
    """

    label: str
    command: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A person to @-mention, by the platform's user id on the target platform."""

    user_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply (the reply's text is its caption).

    Give either ``data`` or ``render``: a function drawing the bytes that is called after the
    transaction queuing the reply has committed, off the event loop (charts, spreadsheets).
    """

    name: str
    mime: str
    data: bytes = field(default=b"", repr=False)
    render: Callable[[], bytes] | None = field(default=None, repr=False, compare=False)
    elsewhere: str = ""
    """How else to get the file, for chats that cannot carry files (a group robot)."""

    @property
    def is_photo(self) -> bool:
        """A PNG or JPEG picture (shown inline), rather than a file to download."""
        return self.mime in PHOTO_TYPES

    def to_payload(self) -> dict[str, Any]:
        """What the outbox row says about the file (the bytes are stored beside it)."""
        meta: dict[str, Any] = {"name": self.name, "mime": self.mime}
        if self.elsewhere:
            meta["elsewhere"] = self.elsewhere
        if self.render is not None:
            meta["pending"] = True
        else:
            meta["size"] = len(self.data)
        return meta


@dataclass(frozen=True, slots=True)
class Reply:
    """What a handler (or a scheduled job) wants to say."""

    text: str
    format: TextFormat = TextFormat.TEXT
    buttons: tuple[tuple[Button, ...], ...] = ()
    mentions: tuple[Mention, ...] = ()
    edit_key: str | None = field(default=None)
    """When set, later replies with the same key edit one live message where the platform can."""
    attachment: Attachment | None = None
    """A file or picture sent with the text as its caption; never an edit."""

    def to_payload(self) -> dict[str, Any]:
        """Serialise for the outbox."""
        payload: dict[str, Any] = {"text": self.text, "format": self.format.value}
        if self.buttons:
            payload["buttons"] = [
                [{"label": b.label, "command": b.command} for b in row] for row in self.buttons
            ]
        if self.mentions:
            payload["mentions"] = [{"user_id": m.user_id, "name": m.name} for m in self.mentions]
        if self.edit_key:
            payload["edit_key"] = self.edit_key
        if self.attachment is not None:
            payload["attachment"] = self.attachment.to_payload()
        return payload

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Reply:
        """Inverse of :meth:`to_payload`."""
        return cls(
            text=str(payload["text"]),
            format=TextFormat(payload.get("format", "text")),
            buttons=tuple(
                tuple(Button(b["label"], b["command"]) for b in row)
                for row in payload.get("buttons", ())
            ),
            mentions=tuple(Mention(m["user_id"], m["name"]) for m in payload.get("mentions", ())),
            edit_key=payload.get("edit_key"),
            attachment=(
                Attachment(
                    str(file["name"]), str(file["mime"]), elsewhere=file.get("elsewhere", "")
                )
                if (file := payload.get("attachment"))
                else None
            ),
        )

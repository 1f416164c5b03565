"""The seam between the Telegram adapter and a Bot API library: what a driver must do, the
neutral form of its errors, and how those errors become delivery outcomes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.adapters.telegram.shapes import UpdateShape
from bot.core.errors import DeliveryError

Keyboard = tuple[tuple[tuple[str, str], ...], ...]
"""Rows of (label, callback_data) inline buttons."""

ALLOWED_UPDATES = ("message", "callback_query")
# 400 descriptions that mean the edit cannot happen, so a new message is sent instead.
_EDIT_IMPOSSIBLE = ("message to edit not found", "message can't be edited", "message_id_invalid")


@dataclass(frozen=True, slots=True)
class OutText:
    """One Bot API text message: ``text`` in ``parse_mode`` (``HTML``/``MarkdownV2``/None)."""

    text: str
    parse_mode: str | None
    keyboard: Keyboard = ()
    plain: str = ""
    """The same content without markup, sent if Telegram cannot parse the entities."""

    def as_plain(self) -> OutText:
        """This message without any markup."""
        return OutText(self.plain, None, self.keyboard, self.plain)


@dataclass(frozen=True, slots=True)
class OutFile:
    """One sendPhoto (``photo``) or sendDocument: the file, captioned by ``caption``'s text
    (empty: no caption) with ``caption``'s keyboard under it."""

    name: str
    data: bytes
    photo: bool
    caption: OutText

    @property
    def text(self) -> str | None:
        """The caption (None: no caption)."""
        return self.caption.text or None

    @property
    def parse_mode(self) -> str | None:
        """The caption's markup (None without a caption)."""
        return self.caption.parse_mode if self.caption.text else None

    def as_plain(self) -> OutFile:
        """This file with its caption's markup removed."""
        return OutFile(self.name, self.data, self.photo, self.caption.as_plain())

    def as_document(self) -> OutFile:
        """The same file sent as a document (a picture Telegram will not take as a photo)."""
        return OutFile(self.name, self.data, False, self.caption)


@dataclass(frozen=True, slots=True)
class Escaping:
    """A library's escaping helpers for the two parse modes the adapter sends.

    Attributes:
        html: Text in HTML (less-than, greater-than and ampersand).
        md2: Text in MarkdownV2 (every reserved character).
        md2_code: The inside of inline code and of a fenced block (at least backslash and
            backtick).
        md2_url: The parenthesised address of an inline link (at least backslash and the
            closing parenthesis).
    """

    html: Callable[[str], str]
    md2: Callable[[str], str]
    md2_code: Callable[[str], str]
    md2_url: Callable[[str], str]


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """Who the bot is (from getMe)."""

    id: int
    username: str


class ApiError(Exception):
    """A failed Bot API call, whichever library made it.

    Attributes:
        code: The Bot API ``error_code`` (HTTP status); 0 for a network failure or timeout.
        description: Telegram's description, e.g. ``Forbidden: bot was blocked by the user``.
        retry_after: Seconds to wait (flood control), if Telegram said so.
        migrate_to: The supergroup id a group chat moved to, if Telegram said so.
        maybe_delivered: The request reached Telegram but no answer came in time (a read
            timeout): it may have been carried out.
    """

    def __init__(
        self,
        code: int,
        description: str,
        *,
        retry_after: float | None = None,
        migrate_to: int | None = None,
        maybe_delivered: bool = False,
    ) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to = migrate_to
        self.maybe_delivered = maybe_delivered

    @property
    def not_modified(self) -> bool:
        """An edit that would change nothing (the message already says this)."""
        return self.code == 400 and "message is not modified" in self.description.lower()

    @property
    def edit_impossible(self) -> bool:
        """The message to edit is gone or too old; send a new one instead."""
        text = self.description.lower()
        return self.code == 400 and any(s in text for s in _EDIT_IMPOSSIBLE)

    @property
    def not_a_photo(self) -> bool:
        """Telegram refused a picture as a photo (dimensions, size): send it as a document."""
        return self.code == 400 and "photo" in self.description.lower()

    @property
    def bad_entities(self) -> bool:
        """Telegram could not parse our markup (send the text plain instead)."""
        return self.code == 400 and "can't parse entities" in self.description.lower()


def delivery_error(exc: ApiError) -> DeliveryError:
    """What a failed send means for the outbox: wait, retry later, or give up and tell admins."""
    if exc.retry_after:
        return DeliveryError(
            f"Telegram 限流，{exc.retry_after:g} 秒后重试（{exc.description}）",
            retry_after=exc.retry_after,
            pause_platform=True,
        )
    if exc.code == 403:
        return DeliveryError(
            f"机器人已被对方屏蔽或移出群聊，无法送达（Telegram：{exc.description}）",
            permanent=True,
        )
    if exc.code == 400 and "chat not found" in exc.description.lower():
        return DeliveryError(
            "找不到该会话：地址有误，或对方从未私聊过机器人、机器人不在该群"
            f"（Telegram：{exc.description}）",
            permanent=True,
        )
    if exc.code == 400:
        # Bad requests are deterministic (chat not found, no rights, bad markup): retrying
        # cannot help, so admins are told at once.
        return DeliveryError(f"Telegram 拒绝了该消息：{exc.description}", permanent=True)
    if exc.maybe_delivered:
        # Telegram has no idempotency key: resending may give a second copy (at-most-once
        # rows are then left in doubt, see bot/store/outbox_once.py; others are retried).
        return DeliveryError(
            f"Telegram 未及时答复，消息可能已送达：{exc.description}", uncertain=True
        )
    if exc.code in (401, 404):
        # A wrong or revoked token is fixed by the operator; keep the message for then.
        return DeliveryError(
            f"Telegram 不接受机器人令牌，请检查 DUTYBOT_TELEGRAM_TOKEN（{exc.description}）"
        )
    return DeliveryError(f"Telegram 暂时不可用：{exc.code or '网络'} {exc.description}")


class BotApi(Protocol):
    """The Bot API calls the adapter needs; one implementation per library (ptb, aiogram).

    Every call raises :class:`ApiError` on failure and nothing else.
    """

    escaping: Escaping
    """How this library escapes text for HTML and MarkdownV2."""

    async def open(self) -> None:
        """Prepare connections."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...

    async def get_me(self) -> BotIdentity:
        """getMe."""
        ...

    async def get_updates(self, offset: int | None, wait_seconds: int) -> Sequence[UpdateShape]:
        """getUpdates (long poll); the updates as the library parsed them."""
        ...

    def read_update(self, data: dict[str, Any]) -> UpdateShape:
        """A webhook's JSON body as the library's ``Update``.

        Raises:
            ValueError: ``data`` is not an update.
        """
        ...

    async def send_message(self, chat_id: int | str, message: OutText) -> int:
        """sendMessage; returns the new message id."""
        ...

    async def send_file(self, chat_id: int | str, file: OutFile) -> int:
        """sendPhoto or sendDocument (multipart upload); returns the new message id."""
        ...

    async def edit_message_text(
        self, chat_id: int | str, message_id: int, message: OutText
    ) -> None:
        """editMessageText."""
        ...

    async def download(self, file_id: str) -> bytes:
        """getFile, then the file's bytes from the Bot API file server."""
        ...

    async def answer_callback_query(self, query_id: str, text: str | None = None) -> None:
        """answerCallbackQuery (stops the spinner on the pressed button)."""
        ...

    async def set_my_commands(self, commands: list[tuple[str, str]]) -> None:
        """setMyCommands with (command, description) pairs."""
        ...

    async def set_webhook(self, url: str, secret_token: str) -> None:
        """setWebhook for message and callback_query updates."""
        ...

    async def delete_webhook(self) -> None:
        """deleteWebhook, keeping pending updates."""
        ...

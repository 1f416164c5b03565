"""The python-telegram-bot 22.x driver: Bot API calls through ``telegram.Bot`` over HTTP/1.1.

PTB's Application/Updater are not used: they confirm updates before handling (platforms.md
§1.4) and rate-limit in memory, where the outbox already paces every send.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Awaitable
from typing import Any, TypeVar

# PTB 22 warns on every flood-control error that retry_after becomes a timedelta; opt in to
# that documented behaviour now (this driver reads either form).
os.environ.setdefault("PTB_TIMEDELTA", "true")

import httpx
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram import error as tg_error
from telegram.request import HTTPXRequest

from bot.adapters.telegram.api import (
    ALLOWED_UPDATES,
    ApiError,
    BotIdentity,
    Keyboard,
    OutFile,
    OutText,
)

T = TypeVar("T")


def _retry_seconds(exc: tg_error.RetryAfter) -> float:
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def _neutral(exc: tg_error.TelegramError) -> ApiError:
    """PTB's exception classes → the Bot API error code they stand for."""
    if isinstance(exc, tg_error.RetryAfter):
        return ApiError(429, exc.message, retry_after=_retry_seconds(exc))
    if isinstance(exc, tg_error.ChatMigrated):
        return ApiError(400, exc.message, migrate_to=exc.new_chat_id)
    codes: list[tuple[type[tg_error.TelegramError], int]] = [
        (tg_error.Forbidden, 403),
        (tg_error.InvalidToken, 401),
        (tg_error.EndPointNotFound, 404),
        (tg_error.Conflict, 409),
        (tg_error.BadRequest, 400),
    ]
    for kind, code in codes:
        if isinstance(exc, kind):
            return ApiError(code, exc.message)
    # TimedOut, NetworkError (5xx, connection) → transient. Only a read timeout comes after the
    # whole request went out (connect, write and pool timeouts come before Telegram has it).
    read_timeout = isinstance(exc, tg_error.TimedOut) and isinstance(
        exc.__cause__, httpx.ReadTimeout
    )
    return ApiError(0, exc.message, maybe_delivered=read_timeout)


def _markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in keyboard
        ]
    )


class PtbApi:
    """:class:`~bot.adapters.telegram.api.BotApi` on python-telegram-bot."""

    def __init__(self, token: str, base_url: str, timeout: float) -> None:
        self._requests = (
            HTTPXRequest(read_timeout=timeout, write_timeout=timeout, connect_timeout=timeout),
            HTTPXRequest(read_timeout=timeout, write_timeout=timeout, connect_timeout=timeout),
        )
        self.bot = Bot(
            token,
            base_url=f"{base_url.rstrip('/')}/bot",
            request=self._requests[0],
            get_updates_request=self._requests[1],
        )

    async def _call(self, call: Awaitable[T]) -> T:
        try:
            return await call
        except tg_error.TelegramError as exc:
            raise _neutral(exc) from exc

    async def open(self) -> None:
        """Open both HTTP clients (sending and long polling use separate pools)."""
        for request in self._requests:
            await request.initialize()

    async def close(self) -> None:
        """Close both HTTP clients."""
        for request in self._requests:
            await request.shutdown()

    async def get_me(self) -> BotIdentity:
        """getMe."""
        user = await self._call(self.bot.get_me())
        return BotIdentity(user.id, user.username or "")

    async def get_updates(self, offset: int | None, wait_seconds: int) -> list[dict[str, Any]]:
        """getUpdates; each update back to its Bot API JSON form."""
        updates = await self._call(
            self.bot.get_updates(
                offset=offset, timeout=wait_seconds, allowed_updates=list(ALLOWED_UPDATES)
            )
        )
        return [u.to_dict() for u in updates]

    async def send_message(self, chat_id: int | str, message: OutText) -> int:
        """sendMessage."""
        sent = await self._call(
            self.bot.send_message(
                chat_id,
                message.text,
                parse_mode=message.parse_mode,
                reply_markup=_markup(message.keyboard),
            )
        )
        return sent.message_id

    async def send_file(self, chat_id: int | str, file: OutFile) -> int:
        """sendPhoto or sendDocument, uploaded as multipart/form-data."""
        upload = InputFile(file.data, filename=file.name)
        send = self.bot.send_photo if file.photo else self.bot.send_document
        sent = await self._call(
            send(
                chat_id,
                upload,
                caption=file.text,
                parse_mode=file.parse_mode,
                reply_markup=_markup(file.caption.keyboard),
            )
        )
        return sent.message_id

    async def edit_message_text(
        self, chat_id: int | str, message_id: int, message: OutText
    ) -> None:
        """editMessageText."""
        await self._call(
            self.bot.edit_message_text(
                message.text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=message.parse_mode,
                reply_markup=_markup(message.keyboard),
            )
        )

    async def answer_callback_query(self, query_id: str, text: str | None = None) -> None:
        """answerCallbackQuery."""
        await self._call(self.bot.answer_callback_query(query_id, text=text))

    async def set_my_commands(self, commands: list[tuple[str, str]]) -> None:
        """setMyCommands."""
        await self._call(self.bot.set_my_commands([BotCommand(c, d) for c, d in commands]))

    async def set_webhook(self, url: str, secret_token: str) -> None:
        """setWebhook."""
        await self._call(
            self.bot.set_webhook(
                url, secret_token=secret_token, allowed_updates=list(ALLOWED_UPDATES)
            )
        )

    async def delete_webhook(self) -> None:
        """deleteWebhook (pending updates are kept)."""
        await self._call(self.bot.delete_webhook(drop_pending_updates=False))

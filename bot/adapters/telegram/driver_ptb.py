"""The python-telegram-bot 22.x driver: Bot API calls through ``telegram.Bot`` over HTTP/1.1.

PTB's Application/Updater are not used: they confirm updates before handling (see
docs/platforms.md §Telegram receiving) and rate-limit in memory, where the outbox already paces
every send.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

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
    Keyboard,
    OutFile,
)
from bot.adapters.telegram.driver_common import LibraryApi


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


class PtbApi(LibraryApi):
    """:class:`~bot.adapters.telegram.api.BotApi` on python-telegram-bot."""

    library_error = tg_error.TelegramError

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

    def neutral(self, exc: Exception) -> ApiError:
        """python-telegram-bot's error → the neutral one."""
        assert isinstance(exc, tg_error.TelegramError)
        return _neutral(exc)

    def markup(self, keyboard: Keyboard) -> InlineKeyboardMarkup | None:
        """Inline keyboard for this library."""
        return _markup(keyboard)

    def upload(self, file: OutFile) -> Any:
        """The file as this library's upload."""
        return InputFile(file.data, filename=file.name)

    def command(self, name: str, description: str) -> BotCommand:
        """A setMyCommands entry."""
        return BotCommand(name, description)

    async def open(self) -> None:
        """Open both HTTP clients (sending and long polling use separate pools)."""
        for request in self._requests:
            await request.initialize()

    async def close(self) -> None:
        """Close both HTTP clients."""
        for request in self._requests:
            await request.shutdown()

    async def get_updates(self, offset: int | None, wait_seconds: int) -> list[dict[str, Any]]:
        """getUpdates; each update back to its Bot API JSON form."""
        updates = await self._call(
            self.bot.get_updates(
                offset=offset, timeout=wait_seconds, allowed_updates=list(ALLOWED_UPDATES)
            )
        )
        return [u.to_dict() for u in updates]

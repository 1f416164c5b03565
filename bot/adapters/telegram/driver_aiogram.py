"""The aiogram 3.x driver: Bot API calls through ``aiogram.Bot`` on an aiohttp session.

aiogram's Dispatcher is not used: its polling confirms offsets before handlers finish and its
webhook handler answers 200 before handling (docs/platforms.md §Telegram receiving).
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot
from aiogram import exceptions as ag_error
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from aiohttp import ClientTimeout, ConnectionTimeoutError

from bot.adapters.telegram.api import (
    ALLOWED_UPDATES,
    ApiError,
    Keyboard,
    OutFile,
)
from bot.adapters.telegram.driver_common import LibraryApi

_CODES: list[tuple[type[ag_error.TelegramAPIError], int]] = [
    (ag_error.TelegramForbiddenError, 403),
    (ag_error.TelegramUnauthorizedError, 401),
    (ag_error.TelegramNotFound, 404),
    (ag_error.TelegramConflictError, 409),
    (ag_error.TelegramBadRequest, 400),
    (ag_error.TelegramServerError, 500),
]


def _neutral(exc: ag_error.AiogramError) -> ApiError:
    """aiogram's exception classes → the Bot API error code they stand for."""
    if isinstance(exc, ag_error.TelegramRetryAfter):
        return ApiError(429, exc.message, retry_after=float(exc.retry_after))
    if isinstance(exc, ag_error.TelegramMigrateToChat):
        return ApiError(400, exc.message, migrate_to=exc.migrate_to_chat_id)
    for kind, code in _CODES:
        if isinstance(exc, kind):
            return ApiError(code, exc.message)
    # TelegramNetworkError (timeouts, connections), ClientDecodeError (a proxy's HTML page).
    # A timeout other than connecting came after the request went out (aiohttp starts the read
    # timer once the body is written): Telegram may have carried it out.
    cause = exc.__cause__
    sent = isinstance(cause, asyncio.TimeoutError) and not isinstance(
        cause, ConnectionTimeoutError
    )
    return ApiError(0, getattr(exc, "message", str(exc)), maybe_delivered=sent)


def _markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=label, callback_data=data) for label, data in row]
            for row in keyboard
        ]
    )


class AiogramApi(LibraryApi):
    """:class:`~bot.adapters.telegram.api.BotApi` on aiogram."""

    library_error = ag_error.AiogramError

    def __init__(self, token: str, base_url: str, timeout: float) -> None:
        self.timeout = timeout
        self._session = AiohttpSession(api=TelegramAPIServer.from_base(base_url.rstrip("/")))
        # Separate connect and read timeouts instead of one total: a read timeout then tells
        # that the request went out (aiogram hands this to aiohttp as it is).
        split = ClientTimeout(connect=timeout, sock_read=timeout)
        self._session.timeout = split  # type: ignore[assignment]
        self.bot = Bot(token, session=self._session)

    def neutral(self, exc: Exception) -> ApiError:
        """aiogram's error → the neutral one."""
        assert isinstance(exc, ag_error.AiogramError)
        return _neutral(exc)

    def markup(self, keyboard: Keyboard) -> InlineKeyboardMarkup | None:
        """Inline keyboard for this library."""
        return _markup(keyboard)

    def upload(self, file: OutFile) -> Any:
        """The file as this library's upload."""
        return BufferedInputFile(file.data, filename=file.name)

    def command(self, name: str, description: str) -> BotCommand:
        """A setMyCommands entry."""
        return BotCommand(command=name, description=description)

    async def open(self) -> None:
        """The aiohttp session opens on first use."""

    async def close(self) -> None:
        """Close the aiohttp session."""
        await self._session.close()

    async def get_updates(self, offset: int | None, wait_seconds: int) -> list[dict[str, Any]]:
        """getUpdates; each update back to its Bot API JSON form."""
        updates = await self._call(
            self.bot.get_updates(
                offset=offset,
                timeout=wait_seconds,
                allowed_updates=list(ALLOWED_UPDATES),
                request_timeout=int(wait_seconds + self.timeout),
            )
        )
        return [u.model_dump(mode="json", by_alias=True, exclude_none=True) for u in updates]

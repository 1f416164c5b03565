"""The aiogram 3.x driver: Bot API calls through ``aiogram.Bot`` on an aiohttp session.

aiogram's Dispatcher can hold back the acknowledgement until a handler returns: polling with
``handle_as_tasks=False`` asks for the next offset only afterwards, and ``SimpleRequestHandler``
with ``handle_in_background=False`` answers only afterwards (500 if the handler raised). The
polling option still loses an update the inbox refused: ``Dispatcher._process_update`` logs the
handler's exception and the next getUpdates confirms the update all the same. The webhook
option would do, but PTB has nothing like it, so one route serves both drivers. Both drivers
therefore receive through ``receive.py``; this one only fetches and parses updates with aiogram.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
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
    Update,
)
from aiogram.utils.text_decorations import html_decoration, markdown_decoration
from aiohttp import ConnectionTimeoutError

from bot.adapters.telegram.api import (
    ALLOWED_UPDATES,
    ApiError,
    Escaping,
    Keyboard,
    OutFile,
)
from bot.adapters.telegram.driver_common import LibraryApi
from bot.adapters.telegram.shapes import UpdateShape

# aiogram escapes only with its general MarkdownV2 quote; that is also valid inside code and
# links, where MarkdownV2 lets any ASCII character be escaped ("anywhere", Bot API formatting
# options) and requires only ` and \ (code) or ) and \ (links) to be.
AIOGRAM_ESCAPING = Escaping(
    html=html_decoration.quote,
    md2=markdown_decoration.quote,
    md2_code=markdown_decoration.quote,
    md2_url=markdown_decoration.quote,
)

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
    # aiohttp reports a timeout while connecting as ConnectionTimeoutError; any other came
    # once the request was on its way, so Telegram may have carried it out.
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
    escaping = AIOGRAM_ESCAPING
    bot: Bot

    def __init__(self, token: str, base_url: str, timeout: float) -> None:
        self.timeout = timeout
        self._session = AiohttpSession(
            api=TelegramAPIServer.from_base(base_url.rstrip("/")), timeout=timeout
        )
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

    async def get_updates(self, offset: int | None, wait_seconds: int) -> Sequence[UpdateShape]:
        """getUpdates; the request may take the long poll's wait on top of the timeout."""
        updates: list[Update] = await self._call(
            self.bot.get_updates(
                offset=offset,
                timeout=wait_seconds,
                allowed_updates=list(ALLOWED_UPDATES),
                request_timeout=int(wait_seconds + self.timeout),
            )
        )
        return updates

    async def download(self, file_id: str) -> bytes:
        """getFile, then the bytes from the API server's ``/file/bot<token>/<path>``."""
        file = await self._call(self.bot.get_file(file_id))
        if not file.file_path:
            raise ApiError(400, "Bad Request: file has no file_path")
        got = await self._call(self.bot.download_file(file.file_path, timeout=int(self.timeout)))
        return got.read() if got is not None else b""

    def read_update(self, data: dict[str, Any]) -> UpdateShape:
        """A webhook body validated into ``Update``, as aiogram's own webhook handler does
        (pydantic's ValidationError is a ValueError)."""
        return Update.model_validate(data, context={"bot": self.bot})

"""The python-telegram-bot 22.x driver: Bot API calls through ``telegram.Bot`` over HTTP/1.1.

PTB's Application/Updater are not used. The Updater puts fetched updates on an in-memory queue
and sends the next getUpdates offset whether or not they were handled, and its webhook server
answers 200 once an update is on that queue (``telegram/ext/_updater.py``,
``telegram/ext/_utils/webhookhandler.py``); the adapter's receivers store each update first.
Nor is its rate limiter: the outbox already paces every send.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from functools import partial
from typing import Any

import httpx
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram import error as tg_error
from telegram.helpers import escape_markdown
from telegram.request import HTTPXRequest

from bot.adapters.telegram.api import (
    ALLOWED_UPDATES,
    ApiError,
    Escaping,
    Keyboard,
    OutFile,
)
from bot.adapters.telegram.driver_common import LibraryApi
from bot.adapters.telegram.shapes import UpdateShape

# PTB has no HTML helper of its own (its mention_html uses the standard library's).
PTB_ESCAPING = Escaping(
    html=partial(html.escape, quote=False),
    md2=partial(escape_markdown, version=2),
    md2_code=partial(escape_markdown, version=2, entity_type="code"),
    md2_url=partial(escape_markdown, version=2, entity_type="text_link"),
)


def _retry_seconds(exc: tg_error.RetryAfter) -> float:
    """Seconds to wait, whichever form PTB gives.

    PTB 22 gives an int and announces (a DeprecationWarning, already while building the
    exception) that a future major version gives a timedelta, which the ``PTB_TIMEDELTA``
    environment variable selects today. That is the operator's choice to make, not this
    module's; both forms are read.
    """
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
    escaping = PTB_ESCAPING
    bot: Bot

    def __init__(self, token: str, base_url: str, timeout: float) -> None:
        self._requests = (
            HTTPXRequest(read_timeout=timeout, write_timeout=timeout, connect_timeout=timeout),
            HTTPXRequest(read_timeout=timeout, write_timeout=timeout, connect_timeout=timeout),
        )
        self.bot = Bot(
            token,
            base_url=f"{base_url.rstrip('/')}/bot",
            base_file_url=f"{base_url.rstrip('/')}/file/bot",
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

    async def get_updates(self, offset: int | None, wait_seconds: int) -> Sequence[UpdateShape]:
        """getUpdates; PTB reads its own timeout as the wait plus the request's read timeout."""
        updates: tuple[Update, ...] = await self._call(
            self.bot.get_updates(
                offset=offset, timeout=wait_seconds, allowed_updates=list(ALLOWED_UPDATES)
            )
        )
        return updates

    async def download(self, file_id: str) -> bytes:
        """getFile, then the bytes from ``base_file_url`` (PTB builds the address)."""
        file = await self._call(self.bot.get_file(file_id))
        return bytes(await self._call(file.download_as_bytearray()))

    def read_update(self, data: dict[str, Any]) -> UpdateShape:
        """A webhook body through ``Update.de_json``, as PTB's own webhook server reads it."""
        try:
            return Update.de_json(data, self.bot)
        except (TypeError, KeyError, AttributeError, ValueError) as exc:
            # de_json indexes and unpacks the JSON as it goes: a missing or mistyped field
            # surfaces as one of these.
            raise ValueError(f"not a Telegram update: {exc}") from exc

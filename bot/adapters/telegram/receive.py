"""How Telegram updates arrive without loss: long polling that moves the offset only past
stored updates, or a webhook that answers 200 only once the update is stored.

A crash between receiving and handling must leave the update in the inbox, where
``Dispatcher.resume`` handles it once at the next start. python-telegram-bot's Updater confirms
an update on its next getUpdates whether or not it was handled. aiogram can wait for its
handler (``handle_as_tasks=False``, ``handle_in_background=False``), but its polling confirms
an update whose handler raised, so one the inbox refused would be lost (driver_aiogram.py).
Both drivers therefore receive here, one loop and one route, and only fetch and parse updates
through their library (``BotApi.get_updates``, ``BotApi.read_update``).

Telegram serves one getUpdates caller per bot, so when several instances share a PostgreSQL
database only the holder of the polling :class:`~bot.core.ports.Leadership` polls; the others
try again every ``leader_retry_seconds`` and take over when the holder dies. Webhooks need no
leader: any instance behind the reverse proxy stores what it is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.adapters.telegram.api import ApiError
from bot.http.body import loads

if TYPE_CHECKING:
    from bot.adapters.telegram.adapter import Accepted, TelegramAdapter
    from bot.core.ports import Leadership
    from bot.http.server import HttpServer

log = logging.getLogger("dutybot.telegram")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_MAX_BACKOFF = 60.0


class Poller:
    """getUpdates in a loop: store every update, then confirm it, then handle it."""

    def __init__(self, adapter: TelegramAdapter, leadership: Leadership | None = None) -> None:
        self.adapter = adapter
        self.leadership = leadership  # None: the only instance (SQLite), always polls
        self.leading = leadership is None
        self.offset: int | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Drop a webhook left from webhook mode (getUpdates refuses to run beside one)."""
        try:
            await self.adapter.api.delete_webhook()
        except ApiError as exc:
            log.warning("deleteWebhook failed (%s); polling may report a conflict", exc)
        self._task = asyncio.create_task(self._run(), name="telegram-poller")

    async def stop(self) -> None:
        """Stop polling. An update stored but not handled yet stays in the inbox."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.leadership is not None:
            with contextlib.suppress(Exception):  # its connection closing frees it anyway
                await self.leadership.release()
            self.leading = False

    async def settle(self) -> None:
        """Polling handles each batch before asking for the next: nothing runs on its own."""

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                if not await self._lead():
                    await asyncio.sleep(self.adapter.config.leader_retry_seconds)
                    continue
                await self.adapter.identify()
                await self.poll_once()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                delay = min(self.adapter.config.retry_seconds * 2 ** (failures - 1), _MAX_BACKOFF)
                if isinstance(exc, ApiError) and exc.retry_after:
                    delay = max(delay, exc.retry_after)  # flood control says how long
                if self.leadership is not None and not self.leading:
                    # Could not reach the lock: keep trying at the lock's pace, or a take-over
                    # after a database blip would wait out the whole backoff.
                    delay = min(delay, self.adapter.config.leader_retry_seconds)
                if isinstance(exc, ApiError) and exc.code == 409:
                    log.error(
                        "getUpdates conflict (%s): another poller or a webhook is active; "
                        "run `dutybot telegram delete-webhook` or stop the other instance",
                        exc.description,
                    )
                else:
                    log.warning(
                        "polling failed (%s: %s); retry in %.1fs", type(exc).__name__, exc, delay
                    )
                await asyncio.sleep(delay)

    async def _lead(self) -> bool:
        """Whether this instance polls now: always alone, else while it holds the lock."""
        if self.leadership is None:
            return True
        was = self.leading
        try:
            self.leading = await self.leadership.hold()
        except Exception:
            self.leading = False  # the database is out of reach: so may the lock be
            raise
        if self.leading and not was:
            # Another instance may have confirmed updates meanwhile: Telegram knows the offset.
            self.offset = None
            log.info("this instance now polls Telegram (polling lock taken)")
        elif was and not self.leading:
            log.warning("polling lock lost to another instance; this one stops polling")
        return self.leading

    async def poll_once(self) -> int:
        """One getUpdates round; returns how many updates it took in."""
        updates = await self.adapter.api.get_updates(
            self.offset, self.adapter.config.poll_timeout_seconds
        )
        dispatcher = self.adapter.dispatcher
        if dispatcher is not None:  # the heartbeat writes it down: the auditor's poller check
            dispatcher.metrics.platform("telegram").last_polled = dispatcher.clock.now()
        accepted: list[Accepted] = []
        for update in updates:
            accepted.append(await self.adapter.accept(update))
            # Stored: the next getUpdates may confirm it. Not stored: the exception above keeps
            # the offset here, so Telegram sends this update (and any after it) again.
            self.offset = update.update_id + 1
        for item in accepted:
            await self.adapter.finish(item)
        return len(updates)


class WebhookReceiver:
    """POST ``/telegram/webhook`` on the project's HTTP server."""

    def __init__(self, adapter: TelegramAdapter, http: HttpServer, path: str, secret: str) -> None:
        self.adapter = adapter
        self.secret = secret.encode()
        self._tasks: set[asyncio.Task[None]] = set()
        http.add_route("POST", path, self.handle)

    async def start(self) -> None:
        """Routes are served by the HTTP server; `dutybot telegram set-webhook` points Telegram
        at them."""

    async def stop(self) -> None:
        """Let updates already acknowledged finish."""
        await self.settle()

    async def settle(self) -> None:
        """Wait for background handling of acknowledged updates."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def handle(self, request: web.Request) -> web.Response:
        """Check the secret, store the update, answer 200; handling continues afterwards."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not self.secret or not hmac.compare_digest(given, self.secret):
            return web.Response(status=403, text="forbidden")
        try:
            data: Any = loads(await request.read())
        except ValueError:
            return web.Response(status=400, text="body is not JSON")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.Response(status=400, text="not a Telegram update")
        try:
            update = self.adapter.api.read_update(data)
        except ValueError as exc:
            log.warning("telegram update %s cannot be read: %s", data["update_id"], exc)
            return web.Response(status=400, text="not a Telegram update")
        try:
            await self.adapter.identify()
            accepted = await self.adapter.accept(update)
        except Exception:
            # Not stored: a non-2xx answer makes Telegram deliver it again.
            log.exception("could not store telegram update %s", update.update_id)
            return web.Response(status=500, text="not stored, retry")
        task = asyncio.create_task(self.adapter.finish(accepted))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return web.Response(status=200)

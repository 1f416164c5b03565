"""Persist-then-acknowledge for webhook callbacks: store the message, answer, handle later.

Platforms give a callback a few seconds (WeCom 5 s) and retry otherwise, so the answer waits only
for the inbox row; the handler runs in a background task. Retries are dropped by the inbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from bot.core.messages import IncomingMessage

if TYPE_CHECKING:
    from bot.core.dispatcher import Dispatcher

log = logging.getLogger("dutybot.intake")

YIELD_SECONDS = 1.0  # longest a handler defers to callbacks still being stored


class Intake:
    """Hands callback messages to the dispatcher without making the platform wait.

    The database has one writer (SQLite), so handlers run one at a time and step aside while
    callbacks are being stored: in a burst (everyone answering a broadcast) the answers go out
    first and the handling follows. Measured in ``bench/callbacks.py``.
    """

    def __init__(self, concurrency: int = 1) -> None:
        self.dispatcher: Dispatcher | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(concurrency)
        self._storing = 0
        self._quiet = asyncio.Event()
        self._quiet.set()

    def attach(self, dispatcher: Dispatcher) -> None:
        """Start accepting for ``dispatcher``."""
        self.dispatcher = dispatcher

    async def accept(self, msg: IncomingMessage, signature: str = "") -> bool:
        """Store ``msg`` and schedule its handling; False when it was handled before.

        ``signature``, a signed callback's sighting key, is recorded with the message.

        Raises:
            ReplayedRequest: the signature was recorded before; nothing was stored.
            Exception: whatever the database raised: the callback must then fail so the platform
                retries.
        """
        dispatcher = self._dispatcher()
        self._storing += 1
        self._quiet.clear()
        try:
            stored = await dispatcher.persist(msg, signature)
        finally:
            self._storing -= 1
            if not self._storing:
                self._quiet.set()
        if stored is None:
            return False
        task = asyncio.create_task(self._handle(msg), name=f"handle-{msg.message_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def sighted(self, platform: str, signature: str) -> bool:
        """Record a signed callback that carries no message; False when it came before."""
        return await self._dispatcher().chats.first_sighting(platform, signature)

    def _dispatcher(self) -> Dispatcher:
        if self.dispatcher is None:
            raise RuntimeError("intake used before start()")
        return self.dispatcher

    async def _handle(self, msg: IncomingMessage) -> None:
        assert self.dispatcher is not None
        async with self._slots:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._quiet.wait(), YIELD_SECONDS)
            await self.dispatcher.handle(msg)

    async def settle(self) -> None:
        """Wait until every accepted message has been handled."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

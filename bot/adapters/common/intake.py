"""Persist-then-acknowledge for webhook callbacks: store the message, answer, handle later.

Platforms give a callback a few seconds (WeCom 5 s) and retry otherwise, so the answer waits only
for the inbox row; the handler runs in a background task. Retries are dropped by the inbox.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.core.messages import IncomingMessage

if TYPE_CHECKING:
    from bot.core.dispatcher import Dispatcher

log = logging.getLogger("dutybot.intake")


class Intake:
    """Hands callback messages to the dispatcher without making the platform wait."""

    def __init__(self) -> None:
        self.dispatcher: Dispatcher | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def attach(self, dispatcher: Dispatcher) -> None:
        """Start accepting for ``dispatcher``."""
        self.dispatcher = dispatcher

    async def accept(self, msg: IncomingMessage) -> bool:
        """Store ``msg`` and schedule its handling; False when it was handled before.

        Raises whatever the database raised: the callback must then fail so the platform retries.
        """
        if self.dispatcher is None:
            raise RuntimeError("intake used before start()")
        if await self.dispatcher.persist(msg) is None:
            return False
        task = asyncio.create_task(self.dispatcher.handle(msg), name=f"handle-{msg.message_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def settle(self) -> None:
        """Wait until every accepted message has been handled."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


class ReplayGuard:
    """Remembers signed requests seen within the signature window, so a replay is refused."""

    def __init__(self, window_seconds: float) -> None:
        self.window = window_seconds
        self._seen: dict[str, float] = {}

    def first_time(self, key: str, now: float) -> bool:
        """True the first time ``key`` is seen within the window."""
        if len(self._seen) > 1000:
            self._seen = {k: t for k, t in self._seen.items() if now - t <= self.window}
        seen = self._seen.get(key)
        if seen is not None and now - seen <= self.window:
            return False
        self._seen[key] = now
        return True

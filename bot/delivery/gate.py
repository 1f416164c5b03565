"""A one-at-a-time gate whose waiters go in by key (lowest first), not in arrival order.

The sender hands at-most-once rows (broadcasts) to a platform one at a time. With a plain lock a
row claimed late waits behind every row claimed before it; rows taken over from a dead instance
are the oldest of the broadcast, and with this gate they go next instead of last.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any


class TurnGate:
    """One holder at a time; of those waiting, the lowest ``key`` enters next."""

    def __init__(self) -> None:
        self._busy = False
        self._waiting: list[tuple[Any, int, asyncio.Future[None]]] = []
        self._order = itertools.count()  # equal keys keep their arrival order

    @asynccontextmanager
    async def turn(self, key: Any) -> AsyncIterator[None]:
        """Hold the gate for the block, entering when no lower key is waiting."""
        if self._busy:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting, (key, next(self._order), future))
            try:
                await future
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():
                    self._hand_on()  # handed the turn just as it was cancelled: pass it on
                raise
        else:
            self._busy = True
        try:
            yield
        finally:
            self._hand_on()

    def _hand_on(self) -> None:
        while self._waiting:
            *_, future = heapq.heappop(self._waiting)
            if not future.done():  # a cancelled waiter is skipped
                future.set_result(None)
                return  # still busy: the turn passed straight to it
        self._busy = False

"""A clock for tests and drills that starts at a chosen moment and then really runs."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

from bot.core.clock import FakeClock


class LiveClock(FakeClock):
    """A fake clock that also runs: now = start + jumps + real time elapsed."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self._origin = time.monotonic()

    def _ran(self) -> timedelta:
        return timedelta(seconds=time.monotonic() - self._origin)

    def now(self) -> datetime:
        return super().now() + self._ran()

    def set(self, when: datetime) -> None:
        super().set(when - self._ran())

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)  # this clock runs, so waiting lets time pass

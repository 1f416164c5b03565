"""Telegram tests run against a server whose flood limits are real-time: their clock moves with
real time too, and a test jumps it forward past backoffs and re-notification delays (the server
the harness starts counts its limits on the same clock)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from bot.core.clock import FakeClock
from tests.conftest import START


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


@pytest.fixture
def clock() -> FakeClock:
    return LiveClock(START)

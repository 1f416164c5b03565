"""Telegram tests run against a server whose flood limits are real-time: their clock moves with
real time too, and a test jumps it forward past backoffs and re-notification delays (the server
the harness starts counts its limits on the same clock)."""

from __future__ import annotations

import pytest

from bot.core.clock import FakeClock, LiveClock
from tests.conftest import START


@pytest.fixture
def clock() -> FakeClock:
    return LiveClock(START)

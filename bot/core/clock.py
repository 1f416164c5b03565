"""Injectable "now": aware UTC datetimes everywhere, Asia/Shanghai only for display."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    """Anything that can tell the current time."""

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass on this clock (or as much as it lets pass)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        """Wait in real time."""
        await asyncio.sleep(seconds)


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the fake current time."""
        return self._now

    async def sleep(self, seconds: float) -> None:
        """Only let other tasks run: this clock moves when the test moves it."""
        await asyncio.sleep(0)

    def advance(self, **kwargs: float) -> datetime:
        """Move forward by ``timedelta(**kwargs)`` and return the new time."""
        self._now += timedelta(**kwargs)
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to an aware datetime."""
        self._now = when.astimezone(UTC)


class LiveClock(FakeClock):
    """A clock that starts at a chosen moment and then really runs (drills, tests, benchmarks):
    now = start + jumps + real time elapsed."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self._origin = time.monotonic()

    def _ran(self) -> timedelta:
        return timedelta(seconds=time.monotonic() - self._origin)

    def now(self) -> datetime:
        """Return the start plus jumps plus the real time elapsed since."""
        return super().now() + self._ran()

    def set(self, when: datetime) -> None:
        """Jump to an aware datetime; the clock runs on from there."""
        super().set(when - self._ran())

    async def sleep(self, seconds: float) -> None:
        """Wait in real time: this clock runs, so waiting lets time pass."""
        await asyncio.sleep(seconds)


class LocalTime:
    """Converts between stored UTC and the office's local time zone."""

    def __init__(self, tz_name: str) -> None:
        self.tz = ZoneInfo(tz_name)

    def local(self, when: datetime) -> datetime:
        """Aware UTC → aware local."""
        return when.astimezone(self.tz)

    def today(self, clock: Clock) -> date:
        """The local calendar date now."""
        return clock.now().astimezone(self.tz).date()

    def fmt(self, when: datetime | None, with_seconds: bool = False) -> str:
        """Format for people, e.g. ``2026-11-26 13:05``; empty for None."""
        if when is None:
            return ""
        pattern = "%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M"
        return self.local(when).strftime(pattern)

    def start_of_day(self, day: date) -> datetime:
        """Local midnight of ``day`` as aware UTC."""
        return datetime(day.year, day.month, day.day, tzinfo=self.tz).astimezone(UTC)

"""Failed credentials per remote address: a sliding window that locks an address out.

After ``failures`` failed attempts within ``window``, the address is refused (the caller
answers 429 with Retry-After) until the oldest of them leaves the window. Attempts while locked
out are not counted, so the lockout does not grow without end; a right key from a locked-out
address is refused too, or guessing would go on at full speed.
"""

from __future__ import annotations

import math
from collections import deque
from datetime import datetime, timedelta

from bot.core.clock import Clock

MAX_ADDRESSES = 10_000  # bounds the memory a flood from many addresses can take


class Lockout:
    """The failed attempts of each address within the window.

    Args:
        clock: Where "now" comes from.
        failures: Failed attempts within ``window`` that lock the address out.
        window: How long a failed attempt counts.
    """

    def __init__(self, clock: Clock, failures: int, window: timedelta) -> None:
        self.clock = clock
        self.failures = failures
        self.window = window
        self._failed: dict[str, deque[datetime]] = {}
        self._told: set[str] = set()

    def _recent(self, address: str, now: datetime) -> deque[datetime]:
        times = self._failed.get(address, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            self._failed.pop(address, None)
            self._told.discard(address)
        return times

    def retry_after(self, address: str) -> int | None:
        """Whole seconds until ``address`` may try again, or None when it may now."""
        now = self.clock.now()
        times = self._recent(address, now)
        if len(times) < self.failures:
            return None
        return max(1, math.ceil((times[0] + self.window - now).total_seconds()))

    def first_refusal(self, address: str) -> bool:
        """True the first time a locked-out ``address`` is refused (log and audit that one)."""
        if address in self._told:
            return False
        self._told.add(address)
        return True

    def failed(self, address: str) -> int:
        """Count one failed attempt from ``address``; returns its failures in the window."""
        now = self.clock.now()
        times = self._recent(address, now)
        if address not in self._failed:
            if len(self._failed) >= MAX_ADDRESSES:
                oldest = next(iter(self._failed))  # the address first seen longest ago
                del self._failed[oldest]
                self._told.discard(oldest)
            self._failed[address] = times
        times.append(now)
        return len(times)

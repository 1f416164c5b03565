"""Per-platform and per-chat send rate limits (aiolimiter), plus pauses a platform asks for.

Buckets are sized to one message so sends are spread evenly: a full 30-message bucket would let
59 messages out in the first second (measurements.md §5), twice Telegram's guidance.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from aiolimiter import AsyncLimiter

from bot.config import RateLimit

_MAX_CHATS = 2048  # per-chat buckets kept; the least recently used are dropped beyond this


class PlatformLimits:
    """Rate limits for one platform."""

    def __init__(self, limit: RateLimit | None) -> None:
        self.limit = limit
        self.overall = AsyncLimiter(1, 1 / limit.overall_per_second) if limit else None
        self._chats: OrderedDict[str, AsyncLimiter] = OrderedDict()
        self.paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Stop all sends for ``seconds`` (the platform said "retry after")."""
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    def _chat(self, address: str, group: bool) -> AsyncLimiter | None:
        if self.limit is None:
            return None
        bucket = self._chats.get(address)
        if bucket is None:
            period = (
                60 / self.limit.per_group_per_minute
                if group
                else 1 / self.limit.per_chat_per_second
            )
            if group:
                period = max(period, 1 / self.limit.per_chat_per_second)
            bucket = self._chats[address] = AsyncLimiter(1, period)
            if len(self._chats) > _MAX_CHATS:
                self._chats.popitem(last=False)
        self._chats.move_to_end(address)
        return bucket

    async def try_acquire(self, address: str, group: bool) -> float:
        """Take a send slot now and return 0, or return how many seconds to wait."""
        paused = self.paused_until - time.monotonic()
        if paused > 0:
            return paused
        chat = self._chat(address, group)
        if chat is not None and not chat.has_capacity():
            return chat.time_period
        if self.overall is not None:
            # The overall wait is a fraction of a second: waiting here is cheaper than writing
            # the row back to the outbox and claiming it again (which cost 20% of throughput).
            await self.overall.acquire()
        if chat is not None:
            await chat.acquire()
        return 0.0

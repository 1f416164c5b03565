"""Per-platform and per-chat send rate limits, plus pauses a platform asks for.

Sends are spread evenly rather than in bursts: a full 30-message bucket would let 59 messages
out in the first second (measurements.md §5), twice Telegram's guidance. The overall limit is an
aiolimiter bucket of one message that the sender waits on (a fraction of a second); a chat's limit
is a minimum spacing between its messages, and a row that comes too early is put back for
exactly the time still to wait.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from aiolimiter import AsyncLimiter

from bot.config import RateLimit

_MAX_CHATS = 2048  # per-chat spacings kept; the least recently used are dropped beyond this


class PlatformLimits:
    """Rate limits for one platform."""

    def __init__(self, limit: RateLimit | None) -> None:
        self.limit = limit
        self.overall = AsyncLimiter(1, 1 / limit.overall_per_second) if limit else None
        self._next: OrderedDict[str, float] = OrderedDict()  # chat → earliest next send
        self.paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Stop all sends for ``seconds`` (the platform said "retry after")."""
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    def spacing(self, group: bool) -> float:
        """Seconds between two messages to one chat (groups: the stricter of both limits)."""
        if self.limit is None:
            return 0.0
        chat = 1 / self.limit.per_chat_per_second
        return max(60 / self.limit.per_group_per_minute, chat) if group else chat

    async def try_acquire(self, address: str, group: bool) -> float:
        """Take a send slot and return 0, or return how many seconds to wait first."""
        now = time.monotonic()
        wait = max(self.paused_until, self._next.get(address, 0.0)) - now
        if wait > 0:
            return wait
        if self.limit is not None:
            # Reserve the chat's slot before any wait, so a send racing this one to the same
            # chat is put back rather than overtaking it.
            self._next[address] = now + self.spacing(group)
            self._next.move_to_end(address)
            if len(self._next) > _MAX_CHATS:
                self._next.popitem(last=False)
        if self.overall is not None:
            # The overall wait is a fraction of a second: waiting here is cheaper than writing
            # the row back to the outbox and claiming it again (which cost 20% of throughput).
            await self.overall.acquire()
            if self.limit is not None:
                self._next[address] = time.monotonic() + self.spacing(group)
        return 0.0

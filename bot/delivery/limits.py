"""Per-platform and per-chat send rate limits, plus pauses a platform asks for.

Sends are spread evenly rather than in bursts: a full 30-message bucket would let 59 messages
out in the first second (measurements.md §5), twice Telegram's guidance. The overall limit is an
aiolimiter bucket of one message that the sender waits on (a fraction of a second). A chat's limit
is a minimum spacing between its messages, kept on the sender's clock: a row that comes too early
is told the exact time its chat is free, the same time for every row waiting on that chat, so the
outbox keeps them in their order.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime, timedelta

from aiolimiter import AsyncLimiter

from bot.config import RateLimit
from bot.core.clock import Clock

_MAX_CHATS = 2048  # per-chat spacings kept; the least recently used are dropped beyond this
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class PlatformLimits:
    """Rate limits for one platform."""

    def __init__(self, limit: RateLimit | None, clock: Clock) -> None:
        self.limit = limit
        self.clock = clock
        self.overall = AsyncLimiter(1, 1 / limit.overall_per_second) if limit else None
        self._free_at: OrderedDict[str, datetime] = OrderedDict()  # chat → next send allowed
        self.paused_until = _EPOCH

    def pause(self, seconds: float) -> None:
        """Stop all sends for ``seconds`` (the platform said "retry after")."""
        until = self.clock.now() + timedelta(seconds=seconds)
        self.paused_until = max(self.paused_until, until)

    def spacing(self, group: bool) -> timedelta:
        """Time between two messages to one chat (groups: the stricter of both limits)."""
        if self.limit is None:
            return timedelta(0)
        chat = 1 / self.limit.per_chat_per_second
        seconds = max(60 / self.limit.per_group_per_minute, chat) if group else chat
        return timedelta(seconds=seconds)

    async def try_acquire(
        self, address: str, group: bool, claimed_at: datetime | None = None
    ) -> datetime | None:
        """Take a send slot and return None, or return when to try this row again.

        Args:
            address: The chat.
            group: Whether it is a group chat.
            claimed_at: When the row's batch was claimed. A chat that became free only after
                that may have an older row that was not yet due then; letting this row go would
                overtake it, so it waits for the same time as that row.
        """
        now = self.clock.now()
        ready = max(self.paused_until, self._free_at.get(address, _EPOCH))
        if ready > min(now, claimed_at or now):
            return ready
        if self.limit is not None:
            # Reserve the chat before any wait, so a send racing this one to the same chat is
            # put back rather than overtaking it.
            self._free_at[address] = now + self.spacing(group)
            self._free_at.move_to_end(address)
            if len(self._free_at) > _MAX_CHATS:
                self._free_at.popitem(last=False)
        if self.overall is not None:
            # The overall wait is a fraction of a second: waiting here is cheaper than writing
            # the row back to the outbox and claiming it again (which cost 20% of throughput).
            await self.overall.acquire()
            if self.limit is not None:
                self._free_at[address] = self.clock.now() + self.spacing(group)
        return None

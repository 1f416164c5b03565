"""Per-platform and per-chat send rate limits, plus pauses a platform asks for.

The overall limit is spread evenly: a full 30-message bucket would let 59 messages out in the
first second (measurements.md §5), twice Telegram's guidance, so it is an aiolimiter bucket of one
message that the sender waits on (a fraction of a second). A chat's limit is a minimum spacing
between its messages (1 s), and a group's is also at most N messages in any 60 s window (20 on
Telegram) — a window, not a 3 s spacing, so a short emergency burst to a group goes out at the
per-chat pace. Both are kept on the sender's clock: a row that comes too early is told the exact
time its chat is free, the same time for every row waiting on that chat, so the outbox keeps them
in their order.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from datetime import UTC, datetime, timedelta

from aiolimiter import AsyncLimiter

from bot.config import RateLimit
from bot.core.clock import Clock

_MAX_CHATS = 2048  # per-chat spacings kept; the least recently used are dropped beyond this
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_GROUP_WINDOW = timedelta(seconds=60)


class PlatformLimits:
    """Rate limits for one platform."""

    def __init__(self, limit: RateLimit | None, clock: Clock) -> None:
        self.limit = limit
        self.clock = clock
        self.overall = AsyncLimiter(1, 1 / limit.overall_per_second) if limit else None
        self._free_at: OrderedDict[str, datetime] = OrderedDict()  # chat → next send allowed
        self._group_sends: dict[str, deque[datetime]] = {}  # group → its sends in the window
        self.paused_until = _EPOCH

    def pause(self, seconds: float) -> None:
        """Stop all sends for ``seconds`` (the platform said "retry after")."""
        until = self.clock.now() + timedelta(seconds=seconds)
        self.paused_until = max(self.paused_until, until)

    def _sent(self, address: str, group: bool, at: datetime) -> None:
        """Record a send to ``address`` at ``at`` and when the chat is free next."""
        assert self.limit is not None
        free = at + timedelta(seconds=1 / self.limit.per_chat_per_second)
        if group:
            window = self._group_sends.setdefault(
                address, deque(maxlen=max(int(self.limit.per_group_per_minute), 1))
            )
            window.append(at)
            if len(window) == window.maxlen:  # the window is full: free when its oldest leaves
                free = max(free, window[0] + _GROUP_WINDOW)
        self._free_at[address] = free
        self._free_at.move_to_end(address)
        if len(self._free_at) > _MAX_CHATS:
            dropped, _ = self._free_at.popitem(last=False)
            self._group_sends.pop(dropped, None)

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
        if self.limit is None:
            return None
        # Reserve the chat before any wait, so a send racing this one to the same chat is put
        # back rather than overtaking it.
        self._free_at[address] = now + timedelta(seconds=1 / self.limit.per_chat_per_second)
        if self.overall is not None:
            # The overall wait is a fraction of a second: waiting here is cheaper than writing
            # the row back to the outbox and claiming it again (which cost 20% of throughput).
            await self.overall.acquire()
        self._sent(address, group, self.clock.now())
        return None

"""Per-platform and per-chat send rate limits, plus pauses a platform asks for.

The overall limit is spread evenly: a full 30-message bucket would let 59 messages out in the
first second (docs/benchmarks.md §Rate limiter burst), twice Telegram's guidance, so sends take
slots of a grid 1/N s apart, over an aiolimiter bucket of two messages as the hard ceiling. A
chat's limit is a minimum spacing between its messages (1 s), and a group's is also at most N
messages in any 60 s window (20 on Telegram) — a window, not a 3 s spacing, so a short emergency
burst to a group goes out at the per-chat pace. Both are kept on the sender's clock: a row that
comes too early is told the exact time its chat is free, and the sender waits for it or puts the
row back until then.

A provider that refuses the request over N arriving within any one second (腾讯云's
``RequestLimitExceeded``; ``rate_limit.strict_second``) sees arrivals, not our slots: a slot
taken on time may arrive late (a loaded event loop, a thread hop, the network) and bunch up with
the next. There a request counts from its start until one second after its answer
(:class:`SecondWindow`) — it reached the provider somewhere in between — so no second of
arrivals can hold more than N however late anything runs; the price is that the pace drops to
N ÷ (1 s + a request's round trip) when requests are slow.
"""

from __future__ import annotations

import asyncio
import math
from collections import OrderedDict, deque
from collections.abc import Awaitable, Collection
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from aiolimiter import AsyncLimiter

from bot.config import PlatformsConfig, RateLimit
from bot.core.clock import Clock
from bot.core.messages import Target

T = TypeVar("T")
_MAX_CHATS = 2048  # per-chat spacings kept; the least recently used are dropped beyond this
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_GROUP_WINDOW = timedelta(seconds=60)
_SECOND = timedelta(seconds=1)
ROBOT = "robot:"  # ``<platform>:robot:<name>``: a webhook robot, paced apart from the app


def lane_classes(
    platforms: PlatformsConfig, names: list[str], clock: Clock
) -> dict[str, PlatformLimits]:
    """Limits per lane class: ``<platform>`` (its app or bot) and, where the platform has
    webhook robots, ``<platform>:robot`` — robots do not share the app's overall limit (they
    are separate endpoints, 20 messages a minute each), so they neither wait for it nor use
    it up. Platforms without a config section (test fakes) get no limits.
    """
    classes: dict[str, PlatformLimits] = {}
    for name in names:
        section = getattr(platforms, name, None)
        classes[name] = PlatformLimits(getattr(section, "rate_limit", None), clock)
        if section is not None and hasattr(section, "robot_rate_limit"):
            classes[f"{name}:robot"] = PlatformLimits(section.robot_rate_limit, clock)
    return classes


def lane_class(target: Target, classes: Collection[str]) -> str:
    """The lane class ``target`` is paced in (see :func:`lane_classes`)."""
    robots = f"{target.platform}:robot"
    return robots if target.address.startswith(ROBOT) and robots in classes else target.platform


def class_filter(name: str, classes: Collection[str]) -> tuple[str | None, str | None]:
    """(prefix, not_prefix) of the targets a lane class claims (bot/store/outbox.claim)."""
    platform, _, kind = name.partition(":")
    if kind:
        return f"{platform}:{ROBOT}", None
    return None, (f"{platform}:{ROBOT}" if f"{platform}:robot" in classes else None)


class SecondWindow:
    """At most ``most`` requests in flight or answered within the last second.

    A request reaches the provider between its start and its answer, so a new one that starts a
    second after the ``most``-th latest answer cannot share any one-second window of arrivals
    with it (the provider's window: bot/testing/fakes.RateWindow with ``slack=1``).
    """

    def __init__(self, most: int, clock: Clock) -> None:
        self.most, self.clock = most, clock
        self.flying = 0
        self._answers: deque[datetime] = deque()
        self._answered = asyncio.Event()

    async def enter(self, cost: int) -> None:
        """Wait until ``cost`` more requests fit, then count them as in flight."""
        while True:
            now = self.clock.now()
            while self._answers and self._answers[0] <= now - _SECOND:
                self._answers.popleft()
            if self.flying + len(self._answers) + cost <= max(self.most, cost):
                break
            if not self._answers:  # all in flight: the first answer makes room
                self._answered.clear()
                await self._answered.wait()
                continue
            await self.clock.sleep((self._answers[0] + _SECOND - now).total_seconds())
            if self.clock.now() == now:  # a clock that only moves by hand: as the grid does
                break
        self.flying += cost

    def leave(self, cost: int) -> None:
        """``cost`` requests were answered (or failed) now."""
        self.flying = max(self.flying - cost, 0)
        self._answers.extend([self.clock.now()] * cost)
        self._answered.set()


class PlatformLimits:
    """Rate limits for one platform."""

    def __init__(self, limit: RateLimit | None, clock: Clock) -> None:
        self.limit = limit
        self.clock = clock
        # The hard ceiling under the grid: a bucket of two lets one late send go without delaying
        # the next slot, and still keeps any second to N (+1) messages after a stall.
        rate = limit.overall_per_second if limit else None
        self.overall = AsyncLimiter(2, 2 / rate) if rate else None
        strict = rate is not None and limit is not None and limit.strict_second
        self.second = SecondWindow(max(math.floor(rate or 1), 1), clock) if strict else None
        self._spacing = timedelta(seconds=1 / rate if rate else 0)
        self._chat_spacing = timedelta(seconds=1 / limit.per_chat_per_second if limit else 0)
        self._next_slot = _EPOCH
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
        window = None
        if group:
            window = self._group_sends.setdefault(
                address, deque(maxlen=max(int(self.limit.per_group_per_minute), 1))
            )
            window.append(at)
        self._free_at[address] = self._free_after(at, window)
        self._free_at.move_to_end(address)
        if len(self._free_at) > _MAX_CHATS:
            dropped, _ = self._free_at.popitem(last=False)
            self._group_sends.pop(dropped, None)

    def ready(self, address: str) -> datetime:
        """When ``address`` may be sent to next (a platform-wide pause counts too)."""
        return max(self.paused_until, self._free_at.get(address, _EPOCH))

    async def try_acquire(self, address: str, group: bool, cost: int = 1) -> datetime | None:
        """Take a send slot and return None, or return when the chat is free.

        Args:
            address: The chat.
            group: Whether it is a group chat.
            cost: Platform calls the send makes (a WeCom text and its button card: 2); they
                take as many slots of the overall grid.
        """
        now = self.clock.now()
        ready = self.ready(address)
        if ready > now:
            return ready
        if self.limit is None:
            return None
        # The overall limit is a grid of send times 1/N s apart: the send gets the next free slot,
        # and its chat is reserved from that slot on, before any wait.
        slot = max(now, self._next_slot)
        # A send less than its slots late (the loop or a commit held it up) does not push the
        # grid back: the next slot stays on it, so the lateness is made up, never more than one
        # send's worth, and after an idle spell the grid starts afresh — any second still holds
        # N (+ that one send).
        width = self._spacing * max(cost, 1)  # the slots this send takes
        late = now - self._next_slot
        self._next_slot = (self._next_slot if timedelta(0) < late < width else slot) + width
        self._free_at[address] = slot + self._chat_spacing
        if slot > now:
            await self.clock.sleep((slot - now).total_seconds())
        if self.overall is not None:
            # Loop stalls can wake several slots at once: the bucket still spaces them out. One
            # unit per send whatever its cost: the grid spaces the calls, and a send of two
            # taking the whole bucket would leave no room to make up a late one.
            await self.overall.acquire()
        if self.second is not None:
            await self.second.enter(max(cost, 1))
        # The chat's next send is timed from when this one really goes (a late wake-up counts).
        self._sent(address, group, max(slot, self.clock.now()))
        return None

    async def answering(
        self, address: str, group: bool, sending: Awaitable[T], cost: int = 1
    ) -> T:
        """Await the send to ``address`` that took a slot (:meth:`try_acquire` returned None);
        with ``strict_second`` its requests count until a second after it answers or fails."""
        try:
            return await sending
        finally:
            if self.second is not None:
                self.second.leave(max(cost, 1))
            self._answered(address, group)

    def _answered(self, address: str, group: bool) -> None:
        """Time the chat's next send from this one's answer (or failure) too.

        The platform counts a chat's messages as they arrive, and an answer is never earlier than
        its request's arrival: a request held up on its way (a busy loop, a slow link) can then
        not bring the next one within the chat's spacing of it. A chat's sends go one at a time
        (its lane), so the group window's newest entry is this send's.
        """
        if self.limit is None:
            return
        now = self.clock.now()
        window = self._group_sends.get(address) if group else None
        if window:
            window[-1] = max(window[-1], now)
        free = self._free_after(now, window)
        self._free_at[address] = max(self._free_at.get(address, _EPOCH), free)

    def _free_after(self, at: datetime, window: deque[datetime] | None) -> datetime:
        """When a chat last sent to at ``at`` is free: its spacing, and for a group whose
        window is full, when the window's oldest send leaves it."""
        free = at + self._chat_spacing
        if window and len(window) == window.maxlen:
            free = max(free, window[0] + _GROUP_WINDOW)
        return free

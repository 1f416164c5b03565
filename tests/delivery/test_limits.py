"""Rate limits: a chat's messages are spaced; a row that comes too early learns the exact time
its chat is free, the same for every row waiting on that chat (so their order is kept)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import RateLimit
from bot.core.clock import FakeClock
from bot.delivery.limits import PlatformLimits


async def test_chat_spacing_gives_one_ready_time(clock: FakeClock) -> None:
    limits = PlatformLimits(RateLimit(overall_per_second=1000, per_group_per_minute=20), clock)
    start = clock.now()
    assert await limits.try_acquire("7001", group=False) is None
    clock.advance(seconds=0.4)
    assert await limits.try_acquire("7001", group=False) == start + timedelta(seconds=1)
    clock.advance(seconds=0.3)
    assert await limits.try_acquire("7001", group=False) == start + timedelta(seconds=1)
    assert await limits.try_acquire("7002", group=False) is None  # other chats are free
    assert await limits.try_acquire("-100", group=True) is None
    ready = await limits.try_acquire("-100", group=True)
    # A group is a chat too; its slot on the 1,000/s grid came 1 ms after 7002's.
    assert ready == clock.now() + timedelta(seconds=1.001)
    clock.set(ready)
    assert await limits.try_acquire("-100", group=True) is None


async def test_a_group_gets_at_most_n_messages_in_any_minute(clock: FakeClock) -> None:
    limits = PlatformLimits(RateLimit(overall_per_second=1000, per_group_per_minute=20), clock)
    first = clock.now()
    for _ in range(20):  # a burst at the per-chat pace uses the minute's allowance
        assert await limits.try_acquire("-100", group=True) is None
        clock.advance(seconds=1)
    assert await limits.try_acquire("-100", group=True) == first + timedelta(seconds=60)
    clock.set(first + timedelta(seconds=60))
    assert await limits.try_acquire("-100", group=True) is None
    assert await limits.try_acquire("-100", group=True) == first + timedelta(seconds=61)


async def _answer_after(clock: FakeClock, seconds: float) -> str:
    """A request the platform answers ``seconds`` later (the clock moves on meanwhile)."""
    clock.advance(seconds=seconds)
    return "message-id"


async def test_a_chat_is_timed_from_its_slow_requests_answer(clock: FakeClock) -> None:
    # The platform counts a chat's messages as they arrive. A request held up on its way may
    # arrive as late as its answer: the next one to the chat is spaced from that, not the slot.
    limits = PlatformLimits(RateLimit(overall_per_second=1000), clock)
    start = clock.now()
    assert await limits.try_acquire("7001", group=False) is None
    assert await limits.answering("7001", False, _answer_after(clock, 0.5)) == "message-id"
    clock.advance(seconds=0.5)  # a second after the slot: free by the slot alone
    assert await limits.try_acquire("7001", group=False) == start + timedelta(seconds=1.5)
    assert await limits.try_acquire("7002", group=False) is None  # other chats are not held


async def test_a_failed_request_counts_from_its_failure_too(clock: FakeClock) -> None:
    limits = PlatformLimits(RateLimit(overall_per_second=1000), clock)
    start = clock.now()

    async def refused() -> str:
        clock.advance(seconds=0.3)
        raise ConnectionResetError  # it may still have arrived

    assert await limits.try_acquire("7001", group=False) is None
    with pytest.raises(ConnectionResetError):
        await limits.answering("7001", False, refused())
    assert await limits.try_acquire("7001", group=False) == start + timedelta(seconds=1.3)


async def test_a_groups_minute_counts_from_the_answers(clock: FakeClock) -> None:
    limits = PlatformLimits(RateLimit(overall_per_second=1000, per_group_per_minute=20), clock)
    first = clock.now()
    assert await limits.try_acquire("-100", group=True) is None
    await limits.answering("-100", True, _answer_after(clock, 2))  # the first one was slow
    for _ in range(19):
        clock.set(limits.ready("-100"))
        assert await limits.try_acquire("-100", group=True) is None
        await limits.answering("-100", True, _answer_after(clock, 0))
    # Twenty in the window: the next waits a minute from the first one's answer, not its slot.
    assert limits.ready("-100") == first + timedelta(seconds=62)


async def test_pause_stops_every_chat(clock: FakeClock) -> None:
    limits = PlatformLimits(RateLimit(), clock)
    limits.pause(5)
    assert await limits.try_acquire("7003", group=False) == clock.now() + timedelta(seconds=5)


async def test_no_limits_for_platforms_without_them(clock: FakeClock) -> None:
    limits = PlatformLimits(None, clock)
    assert [await limits.try_acquire("x", group=True) for _ in range(3)] == [None] * 3

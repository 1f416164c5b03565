"""Rate limits: a chat's messages are spaced, a too-early row learns exactly how long to wait."""

from __future__ import annotations

from bot.config import RateLimit
from bot.delivery.limits import PlatformLimits


async def test_chat_spacing_and_remaining_wait() -> None:
    limits = PlatformLimits(RateLimit(overall_per_second=1000, per_group_per_minute=20))
    assert await limits.try_acquire("7001", group=False) == 0
    wait = await limits.try_acquire("7001", group=False)
    assert 0.9 < wait <= 1.0  # the rest of the one-second spacing, not a fixed period
    assert await limits.try_acquire("7002", group=False) == 0  # other chats are free
    assert await limits.try_acquire("-100", group=True) == 0
    assert 2.9 < await limits.try_acquire("-100", group=True) <= 3.0  # 20 per minute


async def test_pause_stops_every_chat() -> None:
    limits = PlatformLimits(RateLimit())
    limits.pause(5)
    assert 4.9 < await limits.try_acquire("7003", group=False) <= 5.0


async def test_no_limits_for_platforms_without_them() -> None:
    limits = PlatformLimits(None)
    assert [await limits.try_acquire("x", group=True) for _ in range(3)] == [0, 0, 0]

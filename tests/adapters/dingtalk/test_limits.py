"""DingTalk's published custom-robot limit as the fake enforces it: 20 messages a minute; the
21st gets errcode 130101 and the robot stays throttled for 10 minutes."""

from __future__ import annotations

import pytest

from bot.core.clock import FakeClock
from bot.core.errors import DeliveryError
from bot.core.messages import Reply
from bot.testing.dingtalk import FakeDingTalk
from tests.adapters.rig import Rig


async def test_a_robot_over_20_a_minute_is_throttled_for_ten_minutes(
    rig: Rig, ding: FakeDingTalk, clock: FakeClock
) -> None:
    for i in range(20):
        await rig.adapter.send("robot:防汛群", Reply(f"第{i}条"))
    with pytest.raises(DeliveryError) as info:
        await rig.adapter.send("robot:防汛群", Reply("第21条"))
    assert info.value.retry_after == 600.0 and not info.value.pause_platform
    clock.advance(seconds=61)  # the minute has passed, the throttle has not
    with pytest.raises(DeliveryError):
        await rig.adapter.send("robot:防汛群", Reply("第21条"))
    assert ding.throttled == 2
    clock.advance(seconds=600)
    await rig.adapter.send("robot:防汛群", Reply("第21条"))
    assert len(ding.texts("robot:flood")) == 21

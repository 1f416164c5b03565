"""WeCom's published send limits, as the fake enforces them and as the outbox keeps them: a
group robot 20 messages a minute (45009 beyond, that robot only), one member 30 app messages a
minute (more silently dropped)."""

from __future__ import annotations

import pytest

from bot.core.clock import FakeClock
from bot.core.errors import DeliveryError
from bot.core.messages import Reply, Target
from bot.store import outbox
from bot.testing.wecom import FakeWeCom
from tests.adapters.rig import Rig


async def test_a_robot_over_20_a_minute_gets_45009_for_that_robot_only(
    rig: Rig, wecom: FakeWeCom, clock: FakeClock
) -> None:
    for i in range(20):
        await rig.adapter.send("robot:防汛群", Reply(f"第{i}条"))
    with pytest.raises(DeliveryError) as info:
        await rig.adapter.send("robot:防汛群", Reply("第21条"))
    assert info.value.retry_after == 60.0 and not info.value.pause_platform
    assert (wecom.throttled, wecom.robot_throttled) == (1, 1)
    await rig.adapter.send("zhangsan", Reply("应用消息照常"))  # the app is not affected
    clock.advance(seconds=60)
    await rig.adapter.send("robot:防汛群", Reply("第21条"))
    assert len(wecom.texts("robot:robot-key-flood")) == 21


async def test_a_member_over_30_a_minute_is_silently_dropped(rig: Rig, wecom: FakeWeCom) -> None:
    for i in range(31):
        await rig.adapter.send("zhangsan", Reply(f"第{i}条"))  # WeCom answers ok every time
    assert len(wecom.texts("zhangsan")) == 30 and wecom.dropped == 1


async def test_the_outbox_keeps_a_robot_to_20_a_minute(
    rig: Rig, wecom: FakeWeCom, clock: FakeClock
) -> None:
    async with rig.app.sessions.begin() as session:
        for i in range(25):
            await outbox.enqueue(
                session, clock.now(), Target("wecom", "robot:防汛群"), Reply(f"{i}"), key=f"r{i}"
            )
    for _ in range(60):  # a minute, second by second
        await rig.app.sender.drain()
        clock.advance(seconds=1)
    assert len(wecom.texts("robot:robot-key-flood")) == 20  # the 21st waits for the window
    for _ in range(10):
        await rig.app.sender.drain()
        clock.advance(seconds=1)
    assert wecom.texts("robot:robot-key-flood") == [str(i) for i in range(25)]
    assert wecom.throttled == 0

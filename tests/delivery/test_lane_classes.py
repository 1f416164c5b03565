"""Lane classes: a platform's webhook robots are paced apart from its app — their own limits,
claims and at-most-once turn — so a slow app backlog never holds robots back; a send that
makes several platform calls takes as many slots of the overall grid."""

from __future__ import annotations

import asyncio
import time

from bot.app import App
from bot.config import OutboxConfig, PlatformsConfig, RateLimit
from bot.core.clock import FakeClock, LiveClock
from bot.core.messages import Reply, Target
from bot.delivery.limits import PlatformLimits, lane_class, lane_classes
from bot.delivery.sender import Sender
from bot.store import outbox
from tests.conftest import START
from tests.support import RecordingAdapter


def test_robots_get_a_class_of_their_own_where_the_platform_has_robots() -> None:
    classes = lane_classes(PlatformsConfig(), ["telegram", "wecom", "fake"], FakeClock(START))
    assert set(classes) == {"telegram", "wecom", "wecom:robot", "fake"}
    assert lane_class(Target("wecom", "robot:防汛群"), classes) == "wecom:robot"
    assert lane_class(Target("wecom", "zhangsan"), classes) == "wecom"
    assert lane_class(Target("fake", "robot:x"), classes) == "fake"  # no robot class there
    robot = classes["wecom:robot"].limit
    assert robot is not None and robot.overall_per_second is None
    assert robot.per_group_per_minute == 20


async def test_robots_are_not_spaced_by_an_overall_grid(clock: FakeClock) -> None:
    robots = lane_classes(PlatformsConfig(), ["dingtalk"], clock)["dingtalk:robot"]
    for i in range(50):  # fifty robots, one message each: all at once
        assert await robots.try_acquire(f"robot:r{i}", group=True) is None
    assert [robots.ready(f"robot:r{i}") for i in (0, 49)] == [robots.ready("robot:r0")] * 2


async def test_a_send_of_two_calls_takes_two_slots(clock: FakeClock) -> None:
    limits = PlatformLimits(RateLimit(overall_per_second=10), clock)
    assert await limits.try_acquire("u1", group=False, cost=2) is None
    started = clock.now()
    timed = asyncio.create_task(limits.try_acquire("u2", group=False))
    await asyncio.sleep(0)
    # u2's slot is 0.2 s on (two slots of 0.1 s), and its chat is reserved from there.
    assert (limits.ready("u2") - started).total_seconds() == 1.2
    assert await timed is None


async def test_a_slow_app_backlog_does_not_hold_robots_back(app: App) -> None:
    clock = LiveClock(START)
    adapter = RecordingAdapter(platform="wecom", groups={f"robot:r{i}" for i in range(3)})
    sent: dict[str, float] = {}
    record = adapter.send

    async def send(address: str, reply: Reply, edit_of: str | None = None) -> str:
        sent[address] = time.monotonic()
        return await record(address, reply, edit_of)

    adapter.send = send  # type: ignore[method-assign]
    platforms = PlatformsConfig.model_validate(
        {"wecom": {"rate_limit": {"overall_per_second": 10, "per_chat_per_second": 1}}}
    )
    sender = Sender(
        app.sessions,
        {"wecom": adapter},
        OutboxConfig(batch_size=5),
        platforms,
        clock,
        app.sender.directory,
    )
    async with app.sessions.begin() as session:  # the app's backlog is queued first
        targets = [f"u{i}" for i in range(20)] + [f"robot:r{i}" for i in range(3)]
        for address in targets:
            await outbox.enqueue(
                session,
                START,
                Target("wecom", address),
                Reply("台风红色预警"),
                key=f"bc:{address}",
                priority=outbox.Priority.EMERGENCY,
                at_most_once=True,
            )
    started = time.monotonic()
    stop = asyncio.Event()
    running = asyncio.create_task(sender.run(stop))
    async with asyncio.timeout(10):
        while True:
            if len(sent) == len(targets):
                break
            await asyncio.sleep(0.02)
    stop.set()
    await running
    robots = [sent[f"robot:r{i}"] - started for i in range(3)]
    app_done = max(sent[f"u{i}"] for i in range(20)) - started
    assert app_done >= 1.8  # twenty app messages at 10/s
    assert max(robots) < 0.6  # robots went at once, not after the app's backlog

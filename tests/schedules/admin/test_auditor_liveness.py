"""The auditor tells the admins once when an instance's heartbeat stops (taken over or not),
when a live instance's sender falls silent, and when no instance keeps Telegram polling up.

The auditor runs every 5 minutes: each run here is 5 minutes after the one before."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.store import instances
from tests.conftest import demo_app, make_config
from tests.support import RecordingAdapter

OTHER = "i-0ther0000000000"
SHANGHAI = ZoneInfo("Asia/Shanghai")
RUN = timedelta(minutes=5)  # clock.advance(minutes=5) below


def _told(console: RecordingAdapter, marker: str) -> list[str]:
    return [t for t in console.texts("刘洋") if "【系统巡检】" in t and marker in t]


async def _audit(app: App) -> None:
    assert await app.ticker.run_cron("auditor")
    await app.sender.drain()


async def _beat(
    app: App, now: datetime, sender_at: datetime | None, polled_at: datetime | None = None
) -> None:
    async with app.sessions.begin() as session:
        await instances.beat(session, OTHER, now, sender_at, polled_at)


def _hm(when: datetime) -> str:
    return f"{when.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"


async def test_a_stopped_heartbeat_nobody_took_over_is_told_once(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await _beat(app, clock.now(), clock.now())
    await _audit(app)
    assert _told(console, "心跳") == []  # beating
    for _ in range(2):
        clock.advance(minutes=5)  # no beat since: stale
        await _audit(app)
    [told] = _told(console, "心跳已停止")
    assert (
        OTHER in told
        and "尚无其他实例接管" in told
        and f"最后一次 {_hm(clock.now() - 2 * RUN)}" in told
    )


async def test_a_takeover_is_told_with_who_took_over(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    assert app.heartbeat is not None
    await _beat(app, clock.now(), clock.now())
    clock.advance(seconds=app.config.instances.stale_seconds + 1)
    moved = await app.heartbeat.beat()  # the live one removes the dead one's row
    assert moved.dead == [OTHER]
    await _audit(app)
    clock.advance(minutes=5)
    await app.heartbeat.beat()
    await _audit(app)
    [told] = _told(console, "心跳已停止")
    assert OTHER in told and f"实例 {app.heartbeat.me} 已接管" in told
    clock.advance(seconds=app.config.instances.takeover_alert_seconds)
    await app.heartbeat.beat()
    await _audit(app)
    assert len(_told(console, "心跳已停止")) == 1


async def test_a_silent_sender_of_a_live_instance_is_told_once_per_stall(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    minutes = int(app.config.outbox.stalled_after_seconds // 60)
    await _beat(app, clock.now(), None)
    await _audit(app)  # just started: its sender has not had the time to pass
    for _ in range(2):  # beating on, its sender never passes
        clock.advance(minutes=5)
        await _beat(app, clock.now(), None)
        await _audit(app)
    [told] = _told(console, "发送程序")
    assert OTHER in told and f"超过 {minutes} 分钟未工作" in told and "启动以来从未" in told

    clock.advance(minutes=5)  # it sends again: nothing more to say
    passed = clock.now()
    await _beat(app, passed, passed)
    await _audit(app)
    assert len(_told(console, "发送程序")) == 1
    clock.advance(minutes=5)  # and stops again: a new problem
    await _beat(app, clock.now(), passed)
    await _audit(app)
    assert len(told := _told(console, "发送程序")) == 2 and f"最后一次 {_hm(passed)}" in told[1]


@pytest.fixture
async def polling_app(
    db_url: str, clock: FakeClock, console: RecordingAdapter
) -> AsyncIterator[App]:
    """The demo county with Telegram polling configured (no adapter: nothing really polls)."""
    config = make_config(db_url, platforms={"telegram": {"enabled": True}})
    async with demo_app(config, clock, {"console": console}) as bot:
        yield bot


async def test_silent_telegram_polling_is_told_once(
    polling_app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    app = polling_app
    minutes = int(app.config.platforms.telegram.poll_silent_seconds // 60)
    for _ in range(2):  # polling has an answer at every long poll: all is well
        await _beat(app, clock.now(), clock.now(), polled_at=clock.now())
        await _audit(app)
        clock.advance(minutes=5)
    assert _told(console, "Telegram") == []
    last = clock.now() - RUN
    for _ in range(2):  # then no answer any more
        await _beat(app, clock.now(), clock.now(), polled_at=last)
        await _audit(app)
        clock.advance(minutes=5)
    [told] = _told(console, "Telegram 消息接收")
    assert f"超过 {minutes} 分钟" in told and f"最后一次 {_hm(last)}" in told


async def test_each_beat_writes_what_the_sender_and_the_poller_last_did(
    app: App, clock: FakeClock
) -> None:
    assert app.heartbeat is not None
    app.metrics.marks.last_send_pass = clock.now() - timedelta(seconds=3)
    app.metrics.platform("telegram").last_polled = clock.now() - timedelta(seconds=7)
    await app.heartbeat.beat()
    async with app.sessions() as session:
        row = await session.scalar(select(instances.Instance))
    assert row is not None
    assert (clock.now() - row.sender_at, clock.now() - row.polled_at) == (
        timedelta(seconds=3),
        timedelta(seconds=7),
    )

"""The auditor tells the admins once about a message due but unsent and a due item past its
time, and says nothing while everything is on time."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.messages import Reply, Target
from bot.store import due, outbox
from bot.store.outbox import OutboxMessage
from tests.support import RecordingAdapter


async def _alerts(app: App) -> int:
    async with app.sessions() as session:
        count = await session.scalar(select(func.count()).where(OutboxMessage.kind == "auditor"))
    return int(count or 0)


async def _stall(app: App, clock: FakeClock) -> None:
    """A message for a platform nobody sends to now, and a due item the ticker never fired."""
    async with app.sessions.begin() as session:
        await outbox.enqueue(
            session, clock.now(), Target("wecom", "王五"), Reply("排班通知"), key="stuck-1"
        )
        await due.schedule(
            session, clock.now(), kind="reminder", due_at=clock.now(), payload={}, key="late-1"
        )


async def test_on_time_nothing_is_said(app: App, clock: FakeClock) -> None:
    await _stall(app, clock)
    clock.advance(seconds=app.config.scheduler.overdue_alert_seconds - 60)
    assert await app.ticker.run_cron("auditor")
    assert await _alerts(app) == 0


async def test_admins_are_told_once_per_problem(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await _stall(app, clock)
    clock.advance(seconds=app.config.outbox.stuck_after_seconds + 60)
    assert await app.ticker.run_cron("auditor")
    await app.sender.drain()
    told = [text for text in console.texts("刘洋") if "【系统巡检】" in text]
    assert len(told) == 2, told
    unsent = next(t for t in told if "未发出" in t)
    overdue = next(t for t in told if "未执行" in t)
    assert "王五" in unsent and "dutybot status" in unsent
    assert "reminder" in overdue
    first = await _alerts(app)

    clock.advance(minutes=5)  # the next run: the same problems, nothing new to say
    assert await app.ticker.run_cron("auditor")
    await app.sender.drain()
    assert await _alerts(app) == first
    assert len([t for t in console.texts("刘洋") if "【系统巡检】" in t]) == 2


async def test_its_own_unsent_alerts_are_not_reported(app: App, clock: FakeClock) -> None:
    async with app.sessions.begin() as session:
        await outbox.enqueue(
            session, clock.now(), Target("wecom", "刘洋"), Reply("旧告警"), key="a", kind="auditor"
        )
    clock.advance(seconds=app.config.outbox.stuck_after_seconds + 60)
    assert await app.ticker.run_cron("auditor")
    assert await _alerts(app) == 1  # only that row: a silent sender does not breed alerts

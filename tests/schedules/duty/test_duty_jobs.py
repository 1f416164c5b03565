"""Duty jobs on their own: reminders fired late after downtime say so, the missing-calendar
warning reaches the admins once, a reminder nobody can receive goes to the admins."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from bot.app import App
from bot.core.clock import FakeClock
from models.directory.binding import Binding
from models.directory.users import User
from tests.duty_support import later
from tests.support import RecordingAdapter

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_missing_calendar_year_warns_admins_once(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    assert await app.ticker.run_cron("duty-calendar-check")  # 11-26 09:00: 2027 is within 60 days
    await app.sender.drain()
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))
    assert await app.ticker.run_cron("duty-calendar-check")
    await app.sender.drain()
    warnings = [t for t in console.texts("刘洋") if "【排班日历】" in t]
    assert len(warnings) == 1 and "2027 年的放假安排尚无正式通知，节假日为推定" in warnings[0]
    assert "calendar.overrides" in warnings[0]


async def test_reminder_after_downtime_is_marked_late(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await later(app, clock, hours=7, minutes=40)  # down from 16:00 to 16:40
    text = next(t for t in console.texts("赵丽") if "明天您值班" in t)
    assert "因系统停机延迟送达" in text


async def test_unreachable_officer_is_reported_to_the_admins(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    async with app.sessions.begin() as session:
        zhao = await session.scalar(select(User.id).where(User.name == "赵丽"))
        wang = await session.scalar(select(User.id).where(User.name == "王刚"))
        await session.execute(delete(Binding).where(Binding.user_id.in_([zhao, wang])))
    await later(app, clock, hours=7)
    assert any("无法送达相关人员" in t and "明天您值班" in t for t in console.texts("刘洋"))


async def test_when_nobody_is_reachable_the_audit_log_keeps_it(app: App, clock: FakeClock) -> None:
    from bot.store.audit import AuditLog

    async with app.sessions.begin() as session:
        await session.execute(delete(Binding))
    await later(app, clock, hours=7)
    async with app.sessions() as session:
        rows = list(
            await session.scalars(select(AuditLog).where(AuditLog.outcome == "undeliverable"))
        )
    texts = [row.detail["text"] for row in rows]
    assert any("明天您值班" in t for t in texts) and any("【未接班】张三" in t for t in texts)

"""The daily job opens the next holiday's 值班表报备 ``submissions.roster.auto_open_days`` before
it, once: liaisons get the notice, the duty room (officers) organises it."""

from __future__ import annotations

from bot.app import App
from bot.core.clock import FakeClock
from tests.handlers.supervision.test_supervision import say
from tests.schedules.supervision.test_supervision_pushes import at
from tests.support import RecordingAdapter


async def test_the_daily_job_opens_the_roster_task_once_n_days_ahead(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await at(app, clock, console, 2026, 12, 21, 8, 20)  # 11 days before 元旦: not yet
    assert await app.ticker.run_cron("submission-roster-open")
    await app.sender.drain()
    assert not any("值班表报备" in t for t in console.texts("吴磊"))
    await at(app, clock, console, 2026, 12, 22, 8, 20)  # auto_open_days = 10
    assert await app.ticker.run_cron("submission-roster-open")
    await app.sender.drain()
    assert "2027年元旦假期值班表报备" in console.texts("吴磊")[-1]
    assert "已发起 值班表报备 #1" in console.texts("张三")[-1]  # the duty room organises it
    assert "城关镇、河口乡" in console.texts("张三")[-1]
    again = await say(app, console, "赵丽", "值班表报备")
    assert "已发起：值班表报备 #1" in again

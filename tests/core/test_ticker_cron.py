"""Cron jobs: each occurrence runs once across tickers; a new bot catches up nothing it did not
exist for, a restarted one exactly what it missed (the weekly and monthly 督查通报 included)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.jobs import JobContext, JobRegistry
from bot.core.messages import Reply
from bot.core.ticker import Ticker
from bot.store.due import CronRun
from tests.support import RecordingAdapter

TZ = ZoneInfo("Asia/Shanghai")


async def test_cron_job_runs_once_per_occurrence_across_tickers(
    app: App, clock: FakeClock
) -> None:
    jobs = JobRegistry("nightly")
    runs = []

    @jobs.cron("nightly", "0 2 * * *", help="test")
    async def nightly(ctx: JobContext) -> None:
        runs.append((ctx.scheduled_for, ctx.late))

    registry = JobRegistry.merge([jobs])
    first = Ticker(app.sessions, registry, app.config, clock)
    second = Ticker(app.sessions, registry, app.config, clock)
    assert await first.catch_up() == []  # the first start (09:00): a new bot missed nothing
    clock.set(clock.now().replace(hour=18, minute=0, second=5))  # 02:00:05 Shanghai next day
    assert await first.run_cron("nightly")
    assert not await second.run_cron("nightly")
    assert not await first.run_cron("nightly")
    assert len(runs) == 1 and runs[0][1] is False
    clock.advance(days=1, hours=5)  # down over the next 02:00; caught up once, late
    assert await second.catch_up() == ["nightly"]
    assert await first.catch_up() == []
    assert len(runs) == 2 and runs[1][1] is True


async def test_a_new_bot_catches_up_nothing_a_restarted_one_what_it_missed(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    # First start on Monday 1 March 08:45: the weekly (08:30) and monthly (08:40) 督查通报
    # fell due before this bot existed, so they were not missed.
    clock.set(datetime(2027, 3, 1, 8, 45, tzinfo=TZ))
    assert await app.ticker.catch_up() == []
    clock.set(datetime(2027, 3, 8, 8, 0, tzinfo=TZ))  # down for a week, back before 08:30
    assert "report-week" not in await app.ticker.catch_up()
    clock.set(datetime(2027, 3, 15, 10, 0, tzinfo=TZ))  # down again over Monday's 08:30
    ran = await app.ticker.catch_up()
    assert "report-week" in ran and "report-month" not in ran
    assert await app.ticker.catch_up() == []  # each occurrence once
    clock.set(datetime(2027, 4, 1, 9, 30, tzinfo=TZ))  # down over the 1st's 08:40
    assert "report-month" in await app.ticker.catch_up()
    async with app.sessions() as session:
        runs = list(
            await session.execute(select(CronRun.job, CronRun.scheduled_for, CronRun.late))
        )
    reports = sorted((job, when.astimezone(TZ).date(), late) for job, when, late in runs)
    assert [r for r in reports if r[0].startswith("report-")] == [
        ("report-month", date(2027, 4, 1), True),
        ("report-week", date(2027, 3, 15), True),
    ]
    await app.sender.drain()
    pushes = [r for a, r in console.sent if a == "陈静" and "督查通报" in r.text]
    # each caught-up run pushes once: the report (with its chart), then its numbered .docx
    assert len([r for r in pushes if not _is_docx(r)]) == 2
    assert len([r for r in pushes if _is_docx(r)]) == 2


async def test_scheduler_registers_the_cron_jobs_and_leaves_the_due_scan_to_its_loop(
    app: App,
) -> None:
    ids = {j.id for j in app.ticker.scheduler().get_jobs()}
    assert "cron:housekeeping" in ids and "due-scan" not in ids


def _is_docx(reply: Reply) -> bool:
    return reply.attachment is not None and reply.attachment.name.endswith(".docx")

"""Ticker: due items fire exactly once (burst, restart, two processes), cron runs once each."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.core.clock import FakeClock, LiveClock
from bot.core.jobs import JobContext, JobRegistry
from bot.core.ticker import Ticker
from bot.store import due
from bot.store.due import DueItem, DueStatus
from bot.store.outbox import OutboxMessage
from tests.conftest import PG_SKIP, PG_URL, START
from tests.support import RecordingAdapter

REPO = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Asia/Shanghai")


async def _schedule_many(app: App, count: int, when_offset: timedelta) -> None:
    async with app.sessions.begin() as session:
        for i in range(count):
            await due.schedule(
                session,
                app.clock.now(),
                kind="reminder",
                due_at=app.clock.now() + when_offset,
                payload={"target": f"fake:person-{i}", "text": f"第{i}条提醒"},
            )


async def test_thousand_items_due_in_one_second_fire_exactly_once(
    app: App, fake: RecordingAdapter, clock: FakeClock
) -> None:
    await _schedule_many(app, 1000, timedelta(minutes=5))
    assert (await app.ticker.tick()).fired == 0
    clock.advance(minutes=5)
    result = await app.ticker.tick()
    assert (result.fired, result.late, result.failed) == (1000, 0, 0)
    assert (await app.ticker.tick()).fired == 0
    await app.sender.drain()
    texts = fake.texts()
    assert len(texts) == 1000 and len(set(texts)) == 1000


async def test_items_that_fell_due_while_down_fire_late_at_start(
    app: App, fake: RecordingAdapter, clock: FakeClock
) -> None:
    await _schedule_many(app, 3, timedelta(minutes=10))
    clock.advance(hours=2)  # the bot was down when they fell due
    await app.start(scheduler=False)
    try:
        await app.sender.drain()
    finally:
        await app.stop()
    texts = fake.texts()
    assert len(texts) == 3 and all("延迟送达" in t for t in texts)
    async with app.sessions() as session:
        late = list(await session.scalars(select(DueItem.late).where(DueItem.kind == "reminder")))
    assert late == [True, True, True]


async def test_failing_job_is_retried_then_marked_failed(app: App, clock: FakeClock) -> None:
    jobs = JobRegistry("flaky")
    calls = []

    @jobs.due("flaky")
    async def flaky(ctx: JobContext, item: due.ClaimedItem) -> None:
        calls.append(item.id)
        raise RuntimeError("downstream unavailable")

    ticker = Ticker(app.sessions, JobRegistry.merge([jobs]), app.config, clock)
    async with app.sessions.begin() as session:
        await due.schedule(session, clock.now(), kind="flaky", due_at=clock.now(), payload={})
    for _ in range(app.config.scheduler.max_attempts):
        await ticker.tick()
        clock.advance(hours=2)
    async with app.sessions() as session:
        item = await session.scalar(select(DueItem))
    assert item is not None and item.status == DueStatus.FAILED
    assert len(calls) == app.config.scheduler.max_attempts
    assert "downstream unavailable" in (item.last_error or "")


def _recording(
    fired: list[tuple[int, datetime]], clock: FakeClock, done: asyncio.Event | None = None
) -> JobRegistry:
    jobs = JobRegistry("record")

    @jobs.due("record")
    async def record(ctx: JobContext, item: due.ClaimedItem) -> None:
        fired.append((item.id, clock.now()))
        if done is not None:
            done.set()

    return JobRegistry.merge([jobs])


async def test_the_due_scan_wakes_when_the_next_item_falls_due(app: App) -> None:
    """Not at the next scan (30 s here): an item due in 0.5 s fires about then."""
    clock = LiveClock(START)
    scheduler = app.config.scheduler.model_copy(
        update={"due_scan_seconds": 30.0, "due_precision_seconds": 0.05}
    )
    config = app.config.model_copy(update={"scheduler": scheduler})
    fired: list[tuple[int, datetime]] = []
    done = asyncio.Event()
    ticker = Ticker(app.sessions, _recording(fired, clock, done), config, clock)
    due_at = clock.now() + timedelta(seconds=0.5)
    async with app.sessions.begin() as session:
        await due.schedule(session, clock.now(), kind="record", due_at=due_at, payload={})
    stop = asyncio.Event()
    loop = asyncio.create_task(ticker.run(stop))  # its first scan finds nothing due yet
    try:
        async with asyncio.timeout(5):
            await done.wait()
    finally:
        stop.set()
        await loop
    assert len(fired) == 1 and timedelta(0) <= fired[0][1] - due_at < timedelta(seconds=3)


async def test_the_sender_is_woken_after_each_batch_not_after_the_whole_tick(
    app: App, clock: FakeClock
) -> None:
    scheduler = app.config.scheduler.model_copy(update={"batch_size": 2})
    config = app.config.model_copy(update={"scheduler": scheduler})
    fired: list[tuple[int, datetime]] = []
    woken: list[int] = []
    ticker = Ticker(
        app.sessions,
        _recording(fired, clock),
        config,
        clock,
        notify=lambda: woken.append(len(fired)),
    )
    async with app.sessions.begin() as session:
        for _ in range(5):
            await due.schedule(session, clock.now(), kind="record", due_at=clock.now(), payload={})
    assert (await ticker.tick()).fired == 5
    assert woken == [2, 4, 5]


WORKER = textwrap.dedent("""
    import asyncio, os, pathlib, sys
    from bot.config import parse_config
    from datetime import datetime
    from bot.core.clock import LiveClock
    from bot.core.jobs import JobRegistry
    from bot.store.engine import make_engine, make_sessionmaker
    from bot.core.ticker import Ticker
    from models import audit

    jobs = JobRegistry("count")

    @jobs.due("count")
    async def count(ctx, item):
        await audit.append(ctx.session, ctx.now, audit.Entry(
            kind="system", command="count", detail={"item": item.id}))

    async def main(url, barrier, start):
        # Both workers start claiming together, so the race is real.
        (pathlib.Path(barrier) / f"ready-{os.getpid()}").touch()
        while len(list(pathlib.Path(barrier).glob("ready-*"))) < 2:
            await asyncio.sleep(0.01)
        engine = make_engine(url)
        config = parse_config({"database": {"url": url}, "scheduler": {"batch_size": 25}}, env={})
        registry = JobRegistry.merge([jobs])
        clock = LiveClock(datetime.fromisoformat(start))
        ticker = Ticker(make_sessionmaker(engine), registry, config, clock)
        idle = 0
        while idle < 3:
            result = await ticker.tick()
            idle = idle + 1 if result.fired == 0 else 0
            await asyncio.sleep(0.05)
        await engine.dispose()

    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3]))
""")


@pytest.mark.postgres
async def test_two_processes_on_postgresql_claim_each_item_once(tmp_path: Path) -> None:
    if not PG_URL:
        pytest.skip(PG_SKIP)
    from bot.store.audit import AuditLog
    from bot.store.engine import make_engine, make_sessionmaker
    from bot.store.migrate import upgrade
    from tests.conftest import _pg_database, _pg_drop

    url = await _pg_database()
    engine = make_engine(url)
    try:
        await upgrade(engine)
        clock = FakeClock(__import__("tests.conftest").conftest.START)
        sessions = make_sessionmaker(engine)
        async with sessions.begin() as session:
            for i in range(400):
                await due.schedule(
                    session, clock.now(), kind="count", due_at=clock.now(), payload={"n": i}
                )
        script = tmp_path / "worker.py"
        script.write_text(WORKER)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                str(script),
                url,
                str(tmp_path),
                clock.now().isoformat(),
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        outputs = [await p.communicate() for p in procs]
        assert all(p.returncode == 0 for p in procs), outputs
        async with sessions() as session:
            fired = list(
                await session.scalars(select(AuditLog.detail).where(AuditLog.command == "count"))
            )
            workers = await session.scalar(select(func.count(func.distinct(DueItem.claimed_by))))
        ids = [d["item"] for d in fired]
        assert len(ids) == 400 and len(set(ids)) == 400
        assert workers == 2  # both processes did part of the work
    finally:
        await engine.dispose()
        await _pg_drop(url)


async def test_reminder_outbox_rows_are_idempotent_per_item(app: App, clock: FakeClock) -> None:
    await _schedule_many(app, 1, timedelta(0))
    await app.ticker.tick()
    async with app.sessions() as session:
        keys = list(await session.scalars(select(OutboxMessage.idempotency_key)))
    assert len(keys) == 1 and keys[0].startswith("due:")

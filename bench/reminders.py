"""10,000 reminders due within one minute: lateness, lost and duplicates, beside APScheduler.

Usage: python -m bench reminders [--processes 1|3] [--count 10000] [--window 60] [--lead 45]
                                 [--pg URL] [--side ours|apscheduler|both]

Ours: the reminders are seeded as due items (``schedules/reminders/jobs.py``'s kind) through
the store, then ``--processes`` real ``python -m bot run`` processes start on the database
(SQLite with one process unless ``--pg``; PostgreSQL with three): their tickers fire the items
into the outbox and their senders deliver them through the real Telegram adapter to the local
Bot API server in this process, with its flood limits off (Telegram's 30 messages/s would make
10,000 take 5½ minutes whatever the scheduler does). Reminder i goes to chat 10000+i; its
lateness is the server's receipt time of the first copy minus its due time.
Baseline: APScheduler 3.11 with its SQLAlchemyJobStore — 10,000 DateTrigger jobs, each an HTTP
sendMessage to the same server — in as many processes sharing the store (APScheduler 3 does not
coordinate them). Targets (ours): p99 ≤ 1 s, lost 0, duplicates 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url

from bench import _apscheduler
from bench.startup import _env, _until
from bot.app import App, parse_config
from bot.store import due
from bot.testing import postgres
from bot.testing.telegram.fake_bot_api import FakeBotApi
from bot.testing.telegram.local_bot import TOKEN, bot_settings, local_server

FIRST_CHAT = 10_000
TELEGRAM_PER_S = 30  # Telegram's broadcast limit per bot (docs/platforms.md)
READY = {"ours": "DutyBot 已启动", "apscheduler": _apscheduler.READY}


def due_times(count: int, start: datetime, window: float) -> list[datetime]:
    """``count`` due times spread evenly over ``window`` seconds from ``start``."""
    return [start + timedelta(seconds=window * i / count) for i in range(count)]


def figures(fake: FakeBotApi, dues: list[datetime]) -> dict[str, Any]:
    """Lateness (first copy's receipt − due), lost and duplicate reminders, from the server."""
    late: list[float] = []
    lost = duplicates = again = 0
    for i, due_at in enumerate(dues):
        got = fake.sent_to(FIRST_CHAT + i)
        lost += not got
        duplicates += max(len(got) - 1, 0)
        again += sum("补发" in m.text for m in got[1:])  # a taken-over item says so
        if got:
            late.append(got[0].at - due_at.timestamp())
    # The worst lateness in each tenth of the window (by due time): a backlog that grows shows
    # as a rising row, a stall as one high tenth.
    tenth = max(len(late) // 10, 1)
    by_tenth = [round(max(late[i : i + tenth]), 3) for i in range(0, len(late), tenth)][:10]
    late.sort()
    cut = statistics.quantiles(late, n=100, method="inclusive") if len(late) > 1 else late * 99
    return {
        "delivered": len(late),
        "lost": lost,
        "duplicates": duplicates,
        "duplicates_marked_resent": again,
        "lateness_p50_s": round(cut[49], 3) if late else None,
        "lateness_p99_s": round(cut[98], 3) if late else None,
        "lateness_max_s": round(late[-1], 3) if late else None,
        "early": sum(t < 0 for t in late),  # delivered before due: a bug
        "lateness_max_by_tenth_s": by_tenth,
    }


# ---- ours: due items, `dutybot run` ---------------------------------------------------------


async def seed_ours(
    work: Path, url: str, base_url: str, count: int, lead: float, window: float
) -> tuple[Path, list[datetime]]:
    """Migrate; then seed one reminder due item per chat, due from ``lead`` s on over ``window``
    s, and write the processes' config file. Returns it and the due times."""
    settings = bot_settings(
        url,
        base_url,
        limited=False,
        data_dir=str(work),
        audit={"anchor_file": str(work / "anchors.log")},
    )
    app = await App.create(parse_config(settings, env={}), adapters={}, auto_upgrade=True)
    dues = due_times(count, datetime.now(UTC) + timedelta(seconds=lead), window)
    try:
        async with app.sessions.begin() as session:
            for i, due_at in enumerate(dues):
                await due.schedule(
                    session,
                    app.clock.now(),
                    kind="reminder",
                    due_at=due_at,
                    payload={"target": f"telegram:{FIRST_CHAT + i}", "text": f"基准提醒 {i}"},
                )
    finally:
        await app.engine.dispose()
    path = work / "config.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path, dues


def spawn_ours(work: Path, config: Path, n: int) -> subprocess.Popen[str]:
    """One real ``dutybot run`` (console off, Telegram on the local server)."""
    env = _env({"DUTYBOT_CONFIG": str(config), "DUTYBOT_TELEGRAM_TOKEN": TOKEN})
    return _popen([sys.executable, "-m", "bot", "run"], work, env, work / f"ours-{n}.err")


def spawn_apscheduler(work: Path, store_url: str, n: int) -> subprocess.Popen[str]:
    """One process running an AsyncIOScheduler on the shared store (bench/_apscheduler.py)."""
    cmd = [sys.executable, "-m", "bench._apscheduler", store_url]
    return _popen(cmd, work, _env({}), work / f"apscheduler-{n}.err")


# ---- the run --------------------------------------------------------------------------------


def _popen(cmd: list[str], work: Path, env: dict[str, str], err: Path) -> subprocess.Popen[str]:
    with err.open("w") as stderr:  # the child has its own copy
        return subprocess.Popen(
            cmd,
            cwd=work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
        )


async def measure(
    side: str, count: int, processes: int, window: float, lead: float, pg: str | None
) -> dict[str, Any]:
    """Seed ``count`` reminders due from ``lead`` s on over ``window`` s, run ``processes``
    processes of ``side`` until all arrived (or none for 30 s after the last due), and count."""
    with tempfile.TemporaryDirectory(prefix=f"dutybot-rem-{side}-") as tmp:
        work = Path(tmp)
        async with local_server(limited=False) as fake:
            db = await postgres.create_database(pg, "dutybot_bench") if pg else None
            try:
                started, cpu, load = time.monotonic(), _children_cpu(), os.getloadavg()[0]
                if side == "ours":
                    url = db or f"sqlite+aiosqlite:///{work / 'dutybot.db'}"
                    config, dues = await seed_ours(work, url, fake.base_url, count, lead, window)
                    procs = [spawn_ours(work, config, n) for n in range(processes)]
                else:
                    sync = make_url(db).set(drivername="postgresql+psycopg") if db else None
                    store = sync.render_as_string(False) if sync else f"sqlite:///{work}/aps.db"
                    dues = due_times(count, datetime.now(UTC) + timedelta(seconds=lead), window)
                    sends = [
                        (at, FIRST_CHAT + i, f"⏰ 提醒：基准提醒 {i}") for i, at in enumerate(dues)
                    ]
                    await asyncio.to_thread(_apscheduler.seed, store, fake.base_url, sends)
                    procs = [spawn_apscheduler(work, store, n) for n in range(processes)]
                try:
                    for proc in procs:
                        await asyncio.to_thread(_until, proc.stdout, READY[side])  # type: ignore[arg-type]
                    margin = dues[0].timestamp() - time.time()
                    ready_s = time.monotonic() - started
                    await _until_delivered(fake, count, dues[-1].timestamp())
                    await asyncio.sleep(3)  # a second copy still on its way counts too
                finally:
                    await _stop(procs)
            finally:
                if db and pg:
                    await postgres.drop_database(pg, db)
            result = figures(fake, dues)
    # What the processes of this side burnt in all (seeding is this process's, not counted).
    result["cpu_ms_per_reminder"] = round((_children_cpu() - cpu) / count * 1000, 2)
    return {
        "side": side,
        "processes": processes,
        "database": "postgresql" if pg else "sqlite",
        "seed_and_start_s": round(ready_s, 1),
        "load_avg_start_end": [round(load, 2), round(os.getloadavg()[0], 2)],  # 1-minute
        "ready_before_first_due_s": round(margin, 1),
        **result,
    }


async def _until_delivered(
    fake: FakeBotApi, count: int, last_due: float, idle: float = 30.0, cap: float = 300.0
) -> None:
    """Until every reminder arrived, or none arrived for ``idle`` s after the last due time
    (the rest is lost), or ``cap`` s after it."""
    while fake.sent_count < count and time.time() < last_due + cap:
        before = fake.sent_count
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(last_due - time.time(), 0) + idle):
                await fake.wait_sent(count)
        if fake.sent_count == before:
            return


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # children that have exited
    return usage.ru_utime + usage.ru_stime


async def _stop(procs: list[subprocess.Popen[str]]) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            await asyncio.to_thread(proc.wait, 20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _ratio(ours: Any, theirs: Any) -> float | None:
    return round(ours / theirs, 3) if ours is not None and theirs else None


async def run(argv: list[str]) -> dict[str, Any]:
    """Both sides, one after the other; print and return their figures and the ratios."""
    parser = argparse.ArgumentParser(prog="python -m bench reminders")
    parser.add_argument("--processes", type=int, choices=[1, 3], default=1)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--window", type=float, default=60.0, help="seconds the dues span")
    parser.add_argument("--lead", type=float, default=45.0, help="seconds until the first due")
    parser.add_argument("--pg", help=f"PostgreSQL server URL (e.g. {postgres.DEFAULT_URL})")
    parser.add_argument("--side", choices=["ours", "apscheduler", "both"], default="both")
    args = parser.parse_args(argv)
    pg = args.pg or (postgres.DEFAULT_URL if args.processes > 1 else None)
    result: dict[str, Any] = {
        "count": args.count,
        "window_s": args.window,
        # What the figures assume of the platform: a Telegram bot may send about 30 messages
        # a second in all, so 10,000 due in one minute take at least 333 s through one bot
        # whatever the scheduler does; the limits are off to measure the scheduler.
        "platform": f"local Bot API server, flood limits off (Telegram: ~{TELEGRAM_PER_S}/s per "
        f"bot, {args.count} messages ≥ {args.count / TELEGRAM_PER_S:.0f} s)",
    }
    sides = ["ours", "apscheduler"] if args.side == "both" else [args.side]
    for side in sides:
        result[side] = fig = await measure(
            side, args.count, args.processes, args.window, args.lead, pg
        )
        print(
            f"{side:<12} p50 {fig['lateness_p50_s']} s  p99 {fig['lateness_p99_s']} s  "
            f"max {fig['lateness_max_s']} s  lost {fig['lost']}  duplicates {fig['duplicates']}  "
            f"(ready {fig['ready_before_first_due_s']} s before the first due; "
            f"{fig['cpu_ms_per_reminder']} ms CPU per reminder)"
        )
    if len(sides) == 2:
        ours, theirs = result["ours"], result["apscheduler"]
        for key in ("lateness_p50_s", "lateness_p99_s", "lateness_max_s"):
            result[f"ratio_{key}"] = _ratio(ours[key], theirs[key])
    if "ours" in result:
        ours = result["ours"]
        result["target_met"] = (
            ours["lateness_p99_s"] is not None
            and ours["lateness_p99_s"] <= 1
            and ours["lost"] == 0
            and ours["duplicates"] == 0
        )
    return result

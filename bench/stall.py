"""Event-loop stalls while another process holds SQLite's write lock, and the dispatch rate.

Another process (an admin's ``dutybot users add`` on the live box) loops: BEGIN IMMEDIATE,
hold the write lock 2 s, COMMIT, rest 0.5 s. Meanwhile commands go through the real Dispatcher
and a ticker on the event loop wakes every 5 ms and records how late it woke: the longest
lateness is how long the whole bot (chats, callbacks, sends) froze. Baselines in the same run:
the inline driver with SQLite's own busy handler (how it waited before: asleep on the loop's
thread) and the aiosqlite ``thread`` driver (never freezes, but slow). The rate and p99 without
the other process come from bench/dispatch.py's harness.
Targets: longest stall ≤ 50 ms, ≥ 1,000 commands/s and p99 ≤ 10 ms on the default driver.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.dispatch import _decode, _dutybot, _update, bench_router
from bot.app import App, parse_config
from bot.cli.demo import seed

_TICK = 0.005
_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
hold, rest = float(sys.argv[2]), float(sys.argv[3])
print("ready", flush=True)
while True:
    conn.execute("BEGIN IMMEDIATE")
    time.sleep(hold)
    conn.execute("COMMIT")
    time.sleep(rest)
"""


async def _ticker(lateness: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        due = loop.time() + _TICK
        await asyncio.sleep(_TICK)
        lateness.append(loop.time() - due)


async def _contended(
    driver: str, seconds: float, hold: float, sqlite_sleeps: bool = False
) -> dict[str, Any]:
    from models.directory import binding
    from models.directory.users import find_user

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        config = parse_config(
            {"database": {"url": f"sqlite+aiosqlite:///{path}", "sqlite_driver": driver}}, env={}
        )
        app = await App.create(config, adapters={}, routers=[bench_router])
        async with app.sessions.begin() as session:
            await seed(session, app.clock.now(), timedelta(hours=1))
            user = await find_user(session, "张三")
            await binding.bind_account(session, user, "bench", "42", app.clock.now())
        if sqlite_sleeps:  # the driver before bot/store/sqlite_inline.py waited for locks itself
            async with app.engine.connect() as conn:  # the one pooled connection keeps it
                await conn.exec_driver_sql("PRAGMA busy_timeout=10000")
        app.start_checkpoints()
        holder = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _HOLDER, str(path), str(hold), "0.5", stdout=subprocess.PIPE
        )
        assert holder.stdout is not None
        await holder.stdout.readline()  # "ready"
        lateness: list[float] = []
        stop = asyncio.Event()
        ticker = asyncio.create_task(_ticker(lateness, stop))
        samples: list[float] = []
        started = time.perf_counter()
        n = 0
        while time.perf_counter() - started < seconds:
            t0 = time.perf_counter()
            await app.dispatcher.receive(_decode(_update(n, "/ping")))
            samples.append(time.perf_counter() - t0)
            n += 1
        elapsed = time.perf_counter() - started
        stop.set()
        await ticker
        holder.kill()
        await holder.wait()
        await app.stop()
    return {
        "commands": n,
        "per_second_with_lock_cycles": round(n / elapsed, 1),
        "slowest_command_ms": round(max(samples) * 1000, 1),
        "longest_stall_ms": round(max(lateness) * 1000, 1),
        "ticks": len(lateness),
    }


async def run(argv: list[str]) -> dict[str, Any]:
    """``python -m bench stall [SECONDS] [COUNT]`` (default 6 s contended, 2,000 uncontended)."""
    seconds = float(argv[0]) if argv else 6.0
    count = int(argv[1]) if len(argv) > 1 else 2000
    result: dict[str, Any] = {"seconds": seconds, "hold_seconds": 2.0, "commands": count}
    for name, driver in (("inline", "inline"), ("inline_sqlite_sleeps", ""), ("thread", "thread")):
        if driver:
            free = await _dutybot(count, "/ping", driver=driver)
            contended = await _contended(driver, seconds, 2.0)
        else:  # same rate as inline: only the wait differs
            free, contended = {}, await _contended("inline", seconds, 2.0, sqlite_sleeps=True)
        result[name] = {**free, **contended}
        rate = f"{free['per_second']:>8.1f}/s  p99 {free['p99_ms']:6.3f} ms" if free else " " * 25
        print(
            f"{name:<20} {rate}  "
            f"longest stall {contended['longest_stall_ms']:.1f} ms  "
            f"({contended['commands']} commands in {seconds:.0f} s with the lock held 2 s of 2.5)"
        )
    inline = result["inline"]
    fast = inline["per_second"] >= 1000 and inline["p99_ms"] <= 10
    result["target_met"] = fast and inline["longest_stall_ms"] <= 50
    return result

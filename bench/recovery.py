"""kill -9 an instance mid-broadcast of 1,000; time until another instance sends the rest.

Usage: python -m bench recovery [--recipients 1000] [--kill-at 400] [--lease 120]

A child process runs the app (``App.create`` + ``start``, as ``dutybot run`` does) against a
SQLite file, sending through a platform that appends each delivery to a file with a few
milliseconds of latency. The rows are queued as broadcasts queue them (at most once, one chat per
recipient). When ``--kill-at`` deliveries are on file the child gets SIGKILL and a second child
starts at once. Figures: seconds from the kill until the first row the dead one held goes out
(or is settled uncertain), seconds until every row is settled, copies per recipient, unsent rows.
Run twice in one go: with heartbeats (``instances.enabled``) and the lease-only baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.app import App, parse_config
from bot.core.messages import Reply, Target
from bot.store import outbox
from bot.store.instances import Instance
from bot.store.outbox import OutboxMessage, OutboxStatus

PLATFORM = "bench"
MODES = ("restart", "peer", "baseline")
SETTLED = (OutboxStatus.SENT.value, OutboxStatus.UNCERTAIN.value, OutboxStatus.FAILED.value)


class FileAdapter:
    """A platform that records each delivery as one line (``address``) after a short latency."""

    platform = PLATFORM

    def __init__(self, path: Path) -> None:
        self.out = path.open("a", buffering=1, encoding="utf-8")

    def is_group(self, address: str) -> bool:
        return False

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        await asyncio.sleep(0.005)
        self.out.write(address + "\n")
        return address

    async def start(self, dispatcher: object) -> None:
        return None

    async def stop(self) -> None:
        self.out.close()


def _config(db: Path, heartbeat: bool, lease: int) -> Any:
    return parse_config(
        {
            "database": {"url": f"sqlite+aiosqlite:///{db}"},
            "data_dir": str(db.parent),
            "audit": {"anchor_file": str(db.parent / "anchors.log")},
            "platforms": {"console": {"enabled": False}},
            "outbox": {"lease_seconds": lease},
            "instances": {"enabled": heartbeat},
        },
        env={},
    )


async def _child(db: Path, sent: Path, heartbeat: bool, lease: int) -> None:
    app = await App.create(_config(db, heartbeat, lease), adapters={PLATFORM: FileAdapter(sent)})
    await app.start()
    await asyncio.Event().wait()  # until killed


async def _queue(db: Path, recipients: int, lease: int) -> None:
    app = await App.create(_config(db, False, lease), adapters={})
    async with app.sessions.begin() as session:
        for i in range(recipients):
            await outbox.enqueue(
                session,
                app.clock.now(),
                Target(PLATFORM, f"user-{i}"),
                Reply("【红色预警】请立即到岗并回复“收到”。"),
                key=f"bc:1:{i}",
                priority=outbox.Priority.EMERGENCY,
                at_most_once=True,
            )
    await app.engine.dispose()


async def _statuses(db: Path, lease: int) -> tuple[dict[str, list[str]], dict[int, str]]:
    """Recipients by row status (a held row as ``sending:<owner>``), and instances by pid."""
    app = await App.create(_config(db, False, lease), adapters={}, auto_upgrade=False)
    try:
        async with app.sessions() as session:
            rows = (
                await session.execute(
                    select(OutboxMessage.status, OutboxMessage.target, OutboxMessage.claimed_by)
                )
            ).all()
            pids = dict((await session.execute(select(Instance.pid, Instance.id))).tuples().all())
    finally:
        await app.engine.dispose()
    by: dict[str, list[str]] = collections.defaultdict(list)
    for status, target, owner in rows:
        by[status].append(target.split(":", 1)[1])
        if status == OutboxStatus.SENDING.value:
            by[f"sending:{owner}"].append(target.split(":", 1)[1])
    return by, pids


def _spawn(db: Path, sent: Path, heartbeat: bool, lease: int) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "bench.recovery", "--child", str(db), str(sent)]
    args += ["--lease", str(lease)] + (["--heartbeat"] if heartbeat else [])
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split() if path.exists() else []


async def _scenario(
    work: Path, mode: str, recipients: int, kill_at: int, lease: int
) -> dict[str, Any]:
    """``restart``: kill, then start another; ``peer``: another is running when one is killed;
    ``baseline``: restart with heartbeats off (the lease alone)."""
    heartbeat = mode != "baseline"
    db, sent = work / f"{mode}.db", work / f"{mode}.sent"
    await _queue(db, recipients, lease)
    first = _spawn(db, sent, heartbeat, lease)
    second = _spawn(db, sent, heartbeat, lease) if mode == "peer" else None
    try:
        for _ in range(3000):  # at most ten minutes
            if len(_lines(sent)) >= kill_at and (
                second is None or len((await _statuses(db, lease))[1]) == 2
            ):
                break
            await asyncio.sleep(0.2)
        # What it holds, read just before the kill: a live peer may take it over at once after.
        before, pids = await _statuses(db, lease)
        os.kill(first.pid, signal.SIGKILL)
        killed = time.monotonic()
    finally:
        first.wait()
    held = set(before[f"sending:{pids.get(first.pid)}"])
    after, _ = await _statuses(db, lease)
    held |= set(after[f"sending:{pids.get(first.pid)}"])
    sent_before = len(_lines(sent))
    second = second or _spawn(db, sent, heartbeat, lease)
    resumed = done = ready = None
    try:
        while time.monotonic() < killed + lease * 2 + 60:
            await asyncio.sleep(0.2)
            states, pids = await _statuses(db, lease)
            now = time.monotonic()
            if ready is None and second.pid in pids:
                ready = now - killed  # the new instance has announced itself
            if resumed is None and held - set(states[OutboxStatus.SENDING.value]):
                resumed = now - killed
            if sum(len(states[s]) for s in SETTLED) == recipients:
                done = now - killed
                break
    finally:
        os.kill(second.pid, signal.SIGKILL)
        second.wait()
    states, _ = await _statuses(db, lease)
    copies = collections.Counter(_lines(sent))
    uncertain = states[OutboxStatus.UNCERTAIN.value]
    return {
        "mode": mode,
        "sent_before_kill": sent_before,
        "held_by_dead": len(held),
        "resume_s": round(resumed, 1) if resumed is not None else None,
        # restart: when the new process had started (heartbeat row); peer: before the kill.
        "new_instance_up_s": round(ready, 1) if ready is not None and mode == "restart" else None,
        "all_settled_s": round(done, 1) if done is not None else None,
        "max_copies": max(copies.values()) if copies else 0,
        "recipients_twice": sum(1 for c in copies.values() if c > 1),
        "uncertain": len(uncertain),
        # Neither delivered nor settled uncertain (an uncertain row may have been delivered).
        "unsent": recipients - len(set(copies) | set(uncertain)),
    }


async def run(argv: list[str]) -> dict[str, Any]:
    """The three scenarios (restart, live peer, lease-only baseline); print and return figures."""
    parser = argparse.ArgumentParser(prog="python -m bench recovery")
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--kill-at", type=int, default=400)
    parser.add_argument("--lease", type=int, default=120)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        result: dict[str, Any] = {"recipients": args.recipients, "lease_s": args.lease}
        for mode in MODES:
            result[mode] = await _scenario(work, mode, args.recipients, args.kill_at, args.lease)
    for name in MODES:
        print(f"{name:>10}: {result[name]}")
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child = argparse.ArgumentParser()
        child.add_argument("db", type=Path)
        child.add_argument("sent", type=Path)
        child.add_argument("--lease", type=int, default=120)
        child.add_argument("--heartbeat", action="store_true")
        ns = child.parse_args(sys.argv[2:])
        asyncio.run(_child(ns.db, ns.sent, ns.heartbeat, ns.lease))

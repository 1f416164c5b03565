"""Real `dutybot run` processes on one PostgreSQL database, sending to the local Telegram Bot
API server (bot/testing/telegram): what the fault tests start, kill and read back."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from bot.app import App, parse_config
from bot.core.messages import Reply, Target
from bot.store import outbox
from bot.store.audit import AuditLog
from bot.store.instances import Instance
from bot.store.outbox import OutboxMessage
from bot.testing.telegram.fake_bot_api import FakeBotApi
from bot.testing.telegram.local_bot import TOKEN

ROOT = Path(__file__).resolve().parents[2]
TEXT = "【红色预警】台风登陆，请立即到岗并回复“收到”。"
FIRST_ID = 7_000_000  # recipients' Telegram chat ids: FIRST_ID, FIRST_ID + 1, …


def config_data(url: str, base_url: str, home: Path, **sections: Any) -> dict[str, Any]:
    """One instance's config: Telegram only (no flood limits, the server has none either);
    ``sections`` replace top-level sections."""
    return {
        "database": {"url": url},
        "data_dir": str(home),
        "audit": {"anchor_file": str(home / "anchors.log")},
        "platforms": {
            "console": {"enabled": False},
            "telegram": {
                "enabled": True,
                "base_url": base_url,
                "register_commands": False,
                "rate_limit": None,
                "poll_timeout_seconds": 2,
                "retry_seconds": 0.5,
            },
        },
        "outbox": {"backoff_base_seconds": 1, "backoff_max_seconds": 2},
        **sections,
    }


def spawn(url: str, base_url: str, home: Path, **sections: Any) -> subprocess.Popen[bytes]:
    """``dutybot run`` (``python -m bot run``) with its own config and data directory."""
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.yaml"
    data = config_data(url, base_url, home, **sections)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DUTYBOT_CONFIG": str(path),
        "DUTYBOT_TELEGRAM_TOKEN": TOKEN,
        "DUTYBOT_AUDIT_KEY": "fault-test-audit-key-" + "k" * 40,
    }
    with (home / "stderr.log").open("wb") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=err, stderr=err
        )


async def prepared(url: str, base_url: str, home: Path) -> App:
    """An App on the database (migrated), sending nothing: the test's own view of the rows."""
    data = config_data(url, base_url, home)
    data["platforms"]["telegram"]["enabled"] = False
    return await App.create(parse_config(data, env={}), adapters={}, auto_upgrade=True)


async def queue_broadcast(app: App, recipients: int) -> None:
    """A red broadcast's first messages, queued as broadcasts queue them: one at-most-once
    emergency row per recipient."""
    async with app.sessions.begin() as session:
        for i in range(recipients):
            await outbox.enqueue(
                session,
                app.clock.now(),
                Target("telegram", str(FIRST_ID + i)),
                Reply(TEXT),
                key=f"bc:1:{i}",
                priority=outbox.Priority.EMERGENCY,
                kind="broadcast",
                at_most_once=True,
            )


async def instance_ids(app: App) -> dict[int, str]:
    """Running instances by pid."""
    async with app.sessions() as session:
        found = await session.execute(select(Instance.pid, Instance.id))
        return {int(pid): str(i) for pid, i in found.all()}


async def wait_instances(app: App, procs: list[subprocess.Popen[bytes]], within: float) -> None:
    """Until every process has announced itself in the instances table."""
    async with asyncio.timeout(within):
        while not {p.pid for p in procs} <= set(await instance_ids(app)):
            for p in procs:
                assert p.poll() is None, f"dutybot run exited with {p.returncode}"
            await asyncio.sleep(0.2)


async def rows(app: App, kind: str = "broadcast") -> list[Any]:
    """Every outbox row of ``kind``: key, target, status, owner, send started, resent."""
    async with app.sessions() as session:
        found = await session.execute(
            select(
                OutboxMessage.idempotency_key,
                OutboxMessage.target,
                OutboxMessage.status,
                OutboxMessage.claimed_by,
                OutboxMessage.send_started_at,
                OutboxMessage.resent,
            ).where(OutboxMessage.kind == kind)
        )
        return list(found.all())


async def audited(app: App, command: str) -> Counter[str]:
    """Outcomes of the audited outbound sends of ``command`` (an outbox kind)."""
    async with app.sessions() as session:
        found = await session.scalars(
            select(AuditLog.outcome).where(
                AuditLog.kind == "outbound", AuditLog.command == command
            )
        )
        return Counter(found.all())


def copies(fake: FakeBotApi, recipients: int) -> Counter[int]:
    """Copies of the broadcast each recipient got, by the server's record."""
    return Counter(
        {FIRST_ID + i: sum(TEXT in t for t in fake.texts(FIRST_ID + i)) for i in range(recipients)}
    )


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Kill what is still running (teardown), and reap it."""
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait()

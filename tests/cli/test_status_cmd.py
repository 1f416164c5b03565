"""`dutybot status` on a seeded database: queue depths by status and priority, the oldest unsent
message, due-item lag, the instances note and each platform."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from typer.testing import CliRunner

from bot.cli import app
from bot.core.messages import Reply, Target
from bot.store import outbox
from bot.store.due import DueItem
from bot.store.engine import make_engine, make_sessionmaker
from bot.store.outbox import OutboxMessage, Priority
from models.broadcast.ladder import PhoneContact
from models.directory.users import OrgUnit, User
from tests.cli.conftest import CLI_START

NOW = datetime.fromisoformat(CLI_START)


async def _seed(url: str) -> int:
    """Two emergency messages an hour late, one failed routine one; the pending due items."""
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            for i in range(3):
                await outbox.enqueue(
                    session,
                    NOW - timedelta(hours=1),
                    Target("console", f"user{i}"),
                    Reply("通知"),
                    key=f"k{i}",
                    priority=Priority.ROUTINE if i == 2 else Priority.EMERGENCY,
                )
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.idempotency_key == "k2")
                .values(status="failed")
            )
            pending = await session.scalar(select(func.count()).where(DueItem.status == "pending"))
    finally:
        await engine.dispose()
    return int(pending or 0)


def _row(output: str, *cells: str) -> bool:
    pattern = r"\s*│\s*".join(re.escape(c) for c in cells)
    return re.search(pattern, output) is not None


def test_status_shows_the_queues(env: dict[str, str]) -> None:
    pending = asyncio.run(_seed(env["DUTYBOT_DATABASE_URL"]))
    result = CliRunner().invoke(app, ["status"], env={**env, "COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert _row(out, "待发送", "紧急", "2"), out
    assert _row(out, "失败", "例行", "1"), out
    assert pending > 0 and _row(out, "待执行", str(pending)), out
    assert "最久未发消息：1 小时 0 分钟" in out
    assert "实例：无（没有机器人在运行）" in out  # none beats in this database
    assert _row(out, "console", "已启用", "无", "2", "1"), out


def test_status_on_a_bad_config_says_why(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        app, ["status"], env={**env, "DUTYBOT_DATABASE_URL": "nosuchdb://x"}
    )
    assert result.exit_code == 1
    assert "配置有误" in result.output and "database.url" in result.output
    assert "Traceback" not in result.output


def test_status_lists_the_running_instances(env: dict[str, str]) -> None:
    asyncio.run(_seed(env["DUTYBOT_DATABASE_URL"]))  # the schema, 0018's instances table included
    path = env["DUTYBOT_DATABASE_URL"].removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO instances (id, host, pid, started_at, heartbeat_at) "
            "VALUES ('a1b2', 'host-a', 4242, '2026-11-26 02:00:00', '2026-11-26 02:29:58')"
        )
        db.execute(  # silent for a minute: past instances.stale_seconds
            "INSERT INTO instances "
            "(id, host, pid, started_at, heartbeat_at, sender_at, polled_at) VALUES "
            "('c3d4', 'host-b', 77, '2026-11-26 01:00:00', '2026-11-26 02:29:00', "
            "'2026-11-26 02:28:30', '2026-11-26 02:28:45')"
        )
    result = CliRunner().invoke(app, ["status"], env={**env, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    day = "2026-11-26 "
    assert _row(
        result.output, "运行中", "a1b2", "host-a", "4242", day + "10:00:00", day + "10:29:58"
    )
    # Shown in Beijing time, with when its sender and its poller were last heard of.
    assert _row(
        result.output,
        *("失联", "c3d4", "host-b", "77", day + "09:00:00"),
        *(day + "10:29:00", day + "10:28:30", day + "10:28:45"),
    )
    assert "没有机器人在运行" not in result.output


async def _texted(url: str) -> str:
    """One SMS the provider accepted this month and one it refused; returns the person's unit."""
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            user = (await session.scalars(select(User).order_by(User.id).limit(1))).one()
            for key, state in (("bcx:9:u1:0", "sent"), ("bcx:9:u1:1", "failed")):
                await outbox.enqueue(
                    session, NOW, Target("sms", f"u{user.id}"), Reply("{}"), key=key
                )
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.idempotency_key == key)
                    .values(status=state, sent_at=NOW)
                )
                session.add(
                    PhoneContact(
                        outbox_key=key,
                        channel="sms",
                        user_id=user.id,
                        org_id=user.org_id,
                        step=0,
                        created_at=NOW,
                    )
                )
            unit = await session.get(OrgUnit, user.org_id)
            assert unit is not None
            return unit.name
    finally:
        await engine.dispose()


def test_status_counts_this_months_sms_per_unit(env: dict[str, str]) -> None:
    unit = asyncio.run(_texted(env["DUTYBOT_DATABASE_URL"]))
    result = CliRunner().invoke(app, ["status"], env={**env, "COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "短信/语音升级" in result.output
    assert _row(result.output, unit, "短信", "1"), result.output  # the refused one is not counted

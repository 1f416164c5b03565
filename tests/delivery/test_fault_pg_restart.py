"""PostgreSQL restarted under load: two `dutybot run` processes reconnect, keep their heartbeat
and lose nothing; no at-most-once row is sent twice, and an ordinary row goes twice only as a
resend (flagged ``resent`` and audited so), never silently.

The test makes a private cluster (``pg_createcluster``) so the shared server stays up; it needs
root and the postgresql-common tools, and is skipped without them (or without
DUTYBOT_TEST_PG_URL, like every PostgreSQL test).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.messages import Reply, Target
from bot.store import due, outbox
from bot.store.audit import AuditLog
from bot.store.instances import Instance
from bot.testing.telegram.fake_bot_api import FakeBotApi
from bot.testing.telegram.local_bot import TELEGRAM_LIMITS, TOKEN, server_limits
from tests.conftest import PG_SKIP, PG_URL
from tests.delivery import fault_support as fs

pytestmark = pytest.mark.postgres
log = logging.getLogger(__name__)  # the figures: pytest -o log_cli=true --log-cli-level=INFO
CHATS, EACH, REMINDERS, BROADCAST = 40, 10, 100, 100
# A row whose result could not be recorded while the server was down waits out its lease
# before it goes again; a short one keeps the test short (the default is 120 s).
LEASES = {"outbox": {"lease_seconds": 8, "backoff_base_seconds": 1, "backoff_max_seconds": 2}}
SCHEDULER = {"lease_seconds": 8, "due_scan_seconds": 0.5}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def cluster() -> Iterator[tuple[str, str, int]]:
    """A private PostgreSQL cluster (version, name, port), trusting local connections."""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    if os.geteuid() != 0:
        pytest.skip("PostgreSQL restart test skipped: pg_createcluster needs root")
    tools = ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster")
    if not all(shutil.which(t) for t in tools) or not Path("/etc/postgresql").is_dir():
        pytest.skip("PostgreSQL restart test skipped: postgresql-common tools are not installed")
    version = sorted(os.listdir("/etc/postgresql"), key=int)[-1]
    name, port = f"dutybot_fault_{secrets.token_hex(3)}", _free_port()
    subprocess.run(
        [
            *("pg_createcluster", version, name, "-p", str(port), "--start"),
            *("--", "--auth-host=trust", "--auth-local=trust"),
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield version, name, port
    finally:
        subprocess.run(
            ["pg_dropcluster", "--stop", version, name], check=False, capture_output=True
        )


async def _queue(app: App) -> None:
    """Ordinary replies to 40 chats, reminders falling due over the next seconds, and a
    broadcast's at-most-once rows."""
    now = app.clock.now()
    async with app.sessions.begin() as session:
        for n in range(EACH):
            for chat in range(CHATS):
                target = Target("telegram", str(fs.FIRST_ID + 5000 + chat))
                await outbox.enqueue(
                    session, now, target, Reply(f"消息{chat}-{n}"), key=f"m{chat}-{n}"
                )
        for i in range(REMINDERS):
            await due.schedule(
                session,
                now,
                kind="reminder",
                due_at=now + timedelta(seconds=i / 10),
                payload={
                    "target": f"telegram:{fs.FIRST_ID + 6000 + i % CHATS}",
                    "text": f"提醒{i}",
                },
            )
    await fs.queue_broadcast(app, BROADCAST)


def _texts(fake: FakeBotApi) -> Counter[str]:
    return Counter(m.text for chat in fake.chats.values() for m in chat)


async def test_postgresql_restart_under_load_nothing_lost_or_doubled(
    tmp_path: Path, cluster: tuple[str, str, int]
) -> None:
    version, name, port = cluster
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
    fake = FakeBotApi(TOKEN, limits=server_limits(False))
    await fake.start()
    app = await fs.prepared(url, fake.base_url, tmp_path / "test")
    telegram = {**fs.config_data(url, fake.base_url, tmp_path)["platforms"]["telegram"]}
    platforms = {
        "console": {"enabled": False},
        "telegram": {**telegram, "rate_limit": TELEGRAM_LIMITS},
    }
    homes = [tmp_path / f"i{n}" for n in range(2)]
    procs = [
        fs.spawn(url, fake.base_url, home, platforms=platforms, scheduler=SCHEDULER, **LEASES)
        for home in homes
    ]
    try:
        await fs.wait_instances(app, procs, within=40)
        before = set((await fs.instance_ids(app)).values())
        await _queue(app)
        total = CHATS * EACH + REMINDERS + BROADCAST
        async with asyncio.timeout(40):
            await fake.wait_sent(total // 4)
        await app.engine.dispose()
        ctl = ["pg_ctlcluster", version, name]
        await asyncio.to_thread(subprocess.run, [*ctl, "stop", "-m", "fast"], check=True)
        stopped_at = fake.sent_count
        await asyncio.sleep(3)  # longer than a heartbeat: each instance misses at least one
        await asyncio.to_thread(subprocess.run, [*ctl, "start"], check=True)
        up = time.monotonic()
        assert fake.sent_count < total, "the load was over before the restart"

        async with asyncio.timeout(45):  # everything settles
            while True:
                await asyncio.sleep(0.5)
                pending = [
                    r
                    for kind in ("reply", "reminder", "broadcast")
                    for r in await fs.rows(app, kind)
                    if r.status in ("pending", "sending")
                ]
                if len(await fs.rows(app, "reminder")) == REMINDERS and not pending:
                    break
        settled = time.monotonic() - up
        await asyncio.sleep(0.5)  # a late second copy would arrive now
        texts = _texts(fake)

        ordinary = {r.idempotency_key: r for r in await fs.rows(app, "reply")}
        reminders = await fs.rows(app, "reminder")
        assert {r.status for r in [*ordinary.values(), *reminders]} == {"sent"}
        doubled = []
        for chat in range(CHATS):
            for n in range(EACH):
                got = texts[f"消息{chat}-{n}"]
                assert got >= 1, f"消息{chat}-{n} lost"
                if got > 1:  # at least once: only a row sent again after its lease
                    assert ordinary[f"m{chat}-{n}"].resent, f"消息{chat}-{n} doubled silently"
                    doubled.append(f"m{chat}-{n}")
        reminded = Counter(
            t.split("：", 1)[1] for t in texts.elements() if t.startswith("⏰ 提醒")
        )
        assert set(reminded) == {f"提醒{i}" for i in range(REMINDERS)}
        resent_reminders = {r.idempotency_key for r in reminders if r.resent}
        assert sum(n - 1 for n in reminded.values()) <= len(resent_reminders)

        broadcast = await fs.rows(app, "broadcast")
        got = fs.copies(fake, BROADCAST)
        uncertain = [r for r in broadcast if r.status == "uncertain"]
        assert len(uncertain) <= len(procs)  # one send in flight per instance at most
        for row in broadcast:
            n = got[int(row.target.split(":")[1])]
            ok = n == 1 if row.status == "sent" else (row.status == "uncertain" and n <= 1)
            assert ok, (row, n)

        async with app.sessions() as session:  # every resend says so in the audit
            details = await session.scalars(
                select(AuditLog.detail).where(
                    AuditLog.kind == "outbound", AuditLog.outcome == "sent"
                )
            )
            resent_keys = {d["key"] for d in details if d.get("resent") == "after_restart"}
            beats = dict((await session.execute(select(Instance.id, Instance.heartbeat_at))).all())
        assert set(doubled) <= resent_keys
        assert set(beats) == before  # the same two instances, beating again
        for home in homes:
            logged = (home / "dutybot.log").read_text(encoding="utf-8")
            assert "database reachable again after" in logged, home
        log.info(
            f"PostgreSQL restart at {stopped_at}/{total} sends: settled {settled:.1f} s after "
            f"the start; ordinary rows sent twice (flagged resent): {len(doubled)}; "
            f"broadcast rows uncertain: {len(uncertain)}"
        )
    finally:
        fs.stop(procs)
        await app.engine.dispose()
        await fake.stop()

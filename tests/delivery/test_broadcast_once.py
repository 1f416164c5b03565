"""A crash half way through a broadcast: on restart nobody gets a second copy, nobody is missed.

The first sender dies while the platform holds the 50th message — its task cancelled, or its
process killed with SIGKILL — and the rest of its claimed batch is abandoned mid-lease. A fresh
sender then takes over.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.errors import DeliveryError
from bot.core.messages import Reply, Target
from bot.core.roles import Role
from bot.delivery.sender import Sender
from bot.demo import seed
from models import binding, outbox
from models.audit import AuditLog
from models.outbox import OutboxMessage, OutboxStatus
from models.users import add_user
from tests.conftest import make_config
from tests.support import RecordingAdapter, incoming

PEOPLE = [f"p{i:03d}" for i in range(100)]
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class HangingAdapter(RecordingAdapter):
    """Takes message ``hang_at`` (the platform got it) and then never answers."""

    hang_at: int = 50
    hung: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        external_id = await super().send(address, reply, edit_of)
        if len(self.sent) == self.hang_at:
            self.hung.set()
            await asyncio.Event().wait()  # the process dies here
        return external_id


@pytest.fixture
async def crowd(db_url: str, clock: FakeClock, console: RecordingAdapter) -> AsyncIterator[App]:
    """100 people on the ``fake`` platform named by the 演练 channel."""
    config = make_config(
        db_url,
        channels=["全体", "演练"],
        broadcast={"channels": {"演练": {"orgs": ["演练单位"]}}},
    )
    hanging = HangingAdapter(platform="fake")
    bot = await App.create(
        config, clock=clock, adapters={"console": console, "fake": hanging}, auto_upgrade=True
    )
    async with bot.sessions.begin() as session:
        await seed(session, clock.now(), timedelta(hours=24))
        for name in PEOPLE:
            user = await add_user(
                session, name=name, org="演练单位", roles={Role.LIAISON}, now=clock.now()
            )
            await binding.bind_account(session, user, "fake", name, clock.now())
    yield bot
    await bot.engine.dispose()


async def test_restart_half_way_sends_each_recipient_exactly_one_copy(
    crowd: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    for text in ("应急广播 演练 红色 台风登陆，请立即转移危险区群众", "确认广播 1"):
        await crowd.dispatcher.receive(incoming(text, sender="李明"))
    hanging = crowd.adapters["fake"]
    assert isinstance(hanging, HangingAdapter)
    first = asyncio.create_task(crowd.sender.drain())
    await hanging.hung.wait()
    first.cancel()  # killed: one row mid-send, the rest of the batch claimed and abandoned
    with pytest.raises(asyncio.CancelledError):
        await first

    clock.advance(seconds=crowd.config.outbox.lease_seconds + 1)
    after = RecordingAdapter(platform="fake")
    restarted = Sender(crowd.sessions, {"fake": after, "console": console}, crowd.config, clock)
    await restarted.drain()

    copies = Counter(a for a, _ in [*hanging.sent, *after.sent])
    assert set(copies) == set(PEOPLE) and set(copies.values()) == {1}
    async with crowd.sessions() as session:
        rows = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "broadcast"))
        )
        audited = list(
            await session.scalars(
                select(AuditLog.outcome).where(
                    AuditLog.kind == "outbound", AuditLog.command == "broadcast"
                )
            )
        )
    uncertain = [r for r in rows if r.status == OutboxStatus.UNCERTAIN.value]
    assert len(uncertain) == 1 and uncertain[0].target == f"fake:{PEOPLE[49]}"
    assert Counter(r.status for r in rows) == {"sent": 99, "uncertain": 1}
    assert Counter(audited) == {"sent": 99, "uncertain": 1}

    # The one whose copy is uncertain has not acked, so the loop re-notifies them.
    clock.advance(minutes=crowd.config.broadcast.levels["red"].renotify_minutes)
    crowd.sender = restarted
    await crowd.ticker.tick()
    await restarted.drain()
    assert "【第1次提醒" in after.texts(PEOPLE[49])[-1]
    await console_summary_mentions_uncertain(crowd, console)


async def test_a_timeout_after_sending_is_uncertain_for_broadcasts_only(
    crowd: App, clock: FakeClock
) -> None:
    platform = crowd.adapters["fake"]
    assert isinstance(platform, HangingAdapter)
    platform.hang_at = 0
    timeout = DeliveryError("read timeout after the request went out", uncertain=True)
    platform.failures.append(timeout)
    for text in ("应急广播 演练 红色 台风登陆，请立即转移危险区群众", "确认广播 1"):
        await crowd.dispatcher.receive(incoming(text, sender="李明"))
    await crowd.sender.drain()
    async with crowd.sessions.begin() as session:
        await outbox.enqueue(
            session, clock.now(), Target("fake", "p000"), Reply("例行提醒"), key="routine"
        )
    platform.failures.append(timeout)
    await crowd.sender.drain()
    clock.advance(minutes=1)
    await crowd.sender.drain()
    copies = Counter(a for a, r in platform.sent if "台风登陆" in r.text)
    assert set(copies) == set(PEOPLE[1:]) and set(copies.values()) == {1}  # p000: uncertain
    assert platform.texts("p000") == ["例行提醒"]  # an ordinary row is retried after a timeout
    async with crowd.sessions() as session:
        row = await session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.target == "fake:p000", OutboxMessage.kind == "broadcast"
            )
        )
    assert row is not None and row.status == OutboxStatus.UNCERTAIN.value
    assert "是否送达不确定，不重发：read timeout" in (row.last_error or "")


async def console_summary_mentions_uncertain(app: App, console: RecordingAdapter) -> None:
    summary = [r.text for a, r in console.sent if a == "李明" and "广播回执" in r.text][-1]
    assert f"送达异常：{PEOPLE[49]}（送达不确定）" in summary
    assert "已送达 99 / 100" in summary


async def test_killed_process_resumes_without_a_second_copy(
    crowd: App, clock: FakeClock, console: RecordingAdapter, tmp_path: Path
) -> None:
    for text in ("应急广播 演练 红色 台风登陆，请立即转移危险区群众", "确认广播 1"):
        await crowd.dispatcher.receive(incoming(text, sender="李明"))
    log = tmp_path / "delivered.log"
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.delivery.crash_child",
        crowd.config.database.url,
        str(log),
        "50",
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    for _ in range(600):  # up to a minute for the child to start and send 50
        if log.exists() and len(log.read_text(encoding="utf-8").split()) >= 50:
            break
        await asyncio.sleep(0.1)
    child.kill()
    await child.wait()
    delivered_before = log.read_text(encoding="utf-8").split()
    assert len(delivered_before) == 50

    clock.advance(seconds=crowd.config.outbox.lease_seconds + 1)
    after = RecordingAdapter(platform="fake")
    await Sender(crowd.sessions, {"fake": after}, crowd.config, clock).drain()
    copies = Counter([*delivered_before, *(a for a, _ in after.sent)])
    assert set(copies) == set(PEOPLE) and set(copies.values()) == {1}
    async with crowd.sessions() as session:
        statuses = Counter(
            await session.scalars(
                select(OutboxMessage.status).where(OutboxMessage.kind == "broadcast")
            )
        )
    assert statuses == {"sent": 99, "uncertain": 1}

"""Sent rows recorded a batch at a time: fewer commits than sends, the audit chain intact, and a
crash between a send and its batch's commit re-sends that row once, saying 补发."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.messages import Reply, Target
from bot.store import audit_verify, instances, outbox
from bot.store.audit import AuditLog
from bot.store.outbox import OutboxMessage, OutboxStatus
from tests.support import RecordingAdapter

DEAD = "i-0000000000dead01"


class DiesAfterSending(RecordingAdapter):
    """The platform takes the message to ``doomed``; then the process is gone (kill -9): nothing
    after the send runs in that lane, so its result is never committed."""

    doomed: str = "person-2"

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        message_id = await super().send(address, reply, edit_of)
        if address == self.doomed:
            raise asyncio.CancelledError
        return message_id


async def _queue(app: App, clock: FakeClock, chats: list[str]) -> None:
    async with app.sessions.begin() as session:
        for chat in chats:
            await outbox.enqueue(
                session,
                clock.now(),
                Target("fake", chat),
                Reply("⏰ 提醒：参加防汛会商"),
                key=f"due:{chat}",
                kind="reminder",
            )


async def test_many_sends_are_recorded_in_fewer_commits_and_the_chain_verifies(
    app: App, fake: RecordingAdapter, clock: FakeClock
) -> None:
    chats = [f"person-{i}" for i in range(40)]
    await _queue(app, clock, chats)
    await app.sender.drain()
    assert sorted(a for a, _ in fake.sent) == sorted(chats)
    recorder = app.sender._recorder
    assert 1 <= recorder.commits < len(chats)  # lanes' results share commits
    async with app.sessions() as session:
        statuses = set(await session.scalars(select(OutboxMessage.status)))
        sent = list(await session.scalars(select(AuditLog).where(AuditLog.kind == "outbound")))
        result = await audit_verify.verify(session, (), clock.now())
    assert statuses == {OutboxStatus.SENT.value}
    assert sorted(r.chat for r in sent) == sorted(f"fake:{c}" for c in chats)
    assert result.ok


async def test_a_crash_between_send_and_its_batch_commit_resends_once_saying_so(
    app: App, clock: FakeClock
) -> None:
    dying = DiesAfterSending()
    app.adapters["fake"] = app.sender.adapters["fake"] = dying
    async with app.sessions.begin() as session:
        await instances.beat(session, DEAD, clock.now())
    app.sender.owner = DEAD  # the instance that is about to die
    await _queue(app, clock, ["person-1", "person-2"])
    with contextlib.suppress(asyncio.CancelledError):
        await app.sender.drain()
    await asyncio.sleep(0.1)  # what was already handed to the batch still commits
    async with app.sessions() as session:
        rows = dict(
            (await session.execute(select(OutboxMessage.target, OutboxMessage.status))).all()
        )
    assert rows == {"fake:person-1": "sent", "fake:person-2": "sending"}

    # A live instance notices the silence and takes over: the row goes again, once, as 补发.
    fake = RecordingAdapter()
    app.adapters["fake"] = app.sender.adapters["fake"] = fake
    assert app.heartbeat is not None
    app.sender.owner = app.heartbeat.me
    clock.advance(seconds=app.config.instances.stale_seconds + 1)
    moved = await app.heartbeat.beat()
    assert (moved.resent, moved.dead) == (1, [DEAD])
    await app.sender.drain()
    assert fake.texts() == ["⏰ 提醒（补发）：参加防汛会商"]
    assert dying.texts() == ["⏰ 提醒：参加防汛会商", "⏰ 提醒：参加防汛会商"]
    await app.sender.drain()  # nothing more: exactly one copy again
    assert len(fake.sent) == 1
    async with app.sessions() as session:
        audits = list(await session.scalars(select(AuditLog).where(AuditLog.kind == "outbound")))
    again = [a for a in audits if a.chat == "fake:person-2"]
    assert [(a.outcome, a.detail.get("resent")) for a in again] == [("sent", "after_restart")]
    assert clock.now() - timedelta(seconds=60) < again[0].ts

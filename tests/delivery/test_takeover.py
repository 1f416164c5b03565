"""Instances and takeover: a dead instance's claims resume at once, a live one's never move."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.messages import Reply, Target
from bot.store import due, instances, outbox, outbox_once
from bot.store.audit import AuditLog
from bot.store.due import DueItem, DueStatus
from bot.store.outbox import OutboxMessage, OutboxStatus
from tests.support import RecordingAdapter

TO = Target("fake", "person-1")
DEAD = "i-deadbeef00000000"
LEASE = timedelta(seconds=120)


async def _dead_instance_holding(app: App, clock: FakeClock, *, at_most_once: bool) -> None:
    """An instance that beat, claimed a row and a reminder, started the send, then was killed."""
    async with app.sessions.begin() as session:
        await instances.beat(session, DEAD, clock.now())
        await outbox.enqueue(
            session, clock.now(), TO, Reply("紧急通知"), key="bc:1", at_most_once=at_most_once
        )
        await due.schedule(
            session,
            clock.now(),
            kind="reminder",
            due_at=clock.now(),
            payload={"target": "fake:person-2", "text": "参加防汛会商"},
        )
        [row] = await outbox.claim(
            session, clock.now(), lease=LEASE, limit=10, platforms=["fake"], owner=DEAD
        )
        assert await outbox_once.begin_send(session, row.id, clock.now(), DEAD)
        [item] = await due.claim(session, clock.now(), worker=DEAD, lease=LEASE, limit=10)
    assert item.kind == "reminder"


async def _status(app: App) -> tuple[str, str]:
    async with app.sessions() as session:
        row = await session.scalar(select(OutboxMessage.status))
        item = await session.scalar(select(DueItem.status))
    assert row is not None and item is not None
    return row, item


async def _audit(app: App) -> list[Any]:
    async with app.sessions() as session:
        return list(await session.scalars(select(AuditLog).order_by(AuditLog.id)))


async def test_a_starting_app_takes_over_a_dead_instance_at_once(
    app: App, fake: RecordingAdapter, clock: FakeClock
) -> None:
    await _dead_instance_holding(app, clock, at_most_once=False)
    clock.advance(seconds=10)  # the killed one stopped beating; its lease runs 110 s more
    await app.start(scheduler=False)
    try:
        await app.sender.drain()
    finally:
        await app.stop()
    assert fake.texts("person-1") == ["紧急通知"]  # at least once: it may have arrived before
    [reminder] = fake.texts("person-2")
    assert reminder.startswith("⏰ 提醒（补发）：参加防汛会商")
    rows = await _audit(app)
    sent = [r for r in rows if r.kind == "outbound" and r.detail["key"] == "bc:1"]
    assert sent[0].outcome == "sent" and sent[0].detail["resent"] == "after_restart"
    assert any(r.command == "due:reminder" and r.outcome == "after_restart" for r in rows)
    takeover = next(r for r in rows if r.command == "instances:takeover")
    assert takeover.detail["dead"] == [DEAD] and takeover.detail["due_resumed"] == 1
    async with app.sessions() as session:  # the dead row is gone, and so is ours after stop
        assert list(await session.scalars(select(instances.Instance.id))) == []


async def test_a_live_instance_takes_over_on_its_beat(
    app: App, fake: RecordingAdapter, clock: FakeClock
) -> None:
    assert app.heartbeat is not None
    await app.heartbeat.beat()  # running since before the other one died
    await _dead_instance_holding(app, clock, at_most_once=False)
    clock.advance(seconds=app.config.instances.stale_seconds - 1)
    assert not await app.heartbeat.beat()  # a few missed beats are not death
    assert await _status(app) == ("sending", "claimed")
    clock.advance(seconds=2)
    moved = await app.heartbeat.beat()
    assert (moved.resent, moved.due, moved.dead) == (1, 1, [DEAD])
    assert await _status(app) == ("pending", "pending")
    await app.ticker.tick()
    await app.sender.drain()
    assert fake.texts("person-1") == ["紧急通知"]
    assert len(fake.texts("person-2")) == 1


async def test_a_live_instances_claims_are_never_taken(
    app: App, fake: RecordingAdapter, clock: FakeClock
) -> None:
    assert app.heartbeat is not None
    await _dead_instance_holding(app, clock, at_most_once=False)
    for _ in range(5):  # the other instance keeps beating while it sends
        clock.advance(seconds=app.config.instances.beat_seconds)
        async with app.sessions.begin() as session:
            await instances.beat(session, DEAD, clock.now())
        assert not await app.heartbeat.beat()
    await app.ticker.tick()
    await app.sender.drain()
    assert await _status(app) == ("sending", "claimed")
    assert fake.texts() == []


async def test_an_at_most_once_row_in_doubt_is_never_sent_twice(
    app: App, fake: RecordingAdapter, clock: FakeClock
) -> None:
    assert app.heartbeat is not None
    await _dead_instance_holding(app, clock, at_most_once=True)
    clock.advance(seconds=app.config.instances.stale_seconds + 1)
    moved = await app.heartbeat.beat()
    assert [r.idempotency_key for r in moved.uncertain] == ["bc:1"] and moved.resent == 0
    clock.advance(seconds=LEASE.total_seconds() + 1)  # nor after the lease runs out
    await app.sender.drain()
    await app.heartbeat.beat()
    await app.sender.drain()
    assert fake.texts("person-1") == []
    assert (await _status(app))[0] == OutboxStatus.UNCERTAIN.value
    rows = await _audit(app)
    assert [r.outcome for r in rows if r.kind == "outbound" and r.detail["key"] == "bc:1"] == [
        "uncertain"
    ]


async def test_without_heartbeats_claims_wait_for_their_lease(
    app: App, fake: RecordingAdapter, clock: FakeClock
) -> None:
    """The old behaviour, kept for ``instances.enabled: false`` (the bench's baseline)."""
    async with app.sessions.begin() as session:
        await outbox.enqueue(session, clock.now(), TO, Reply("hello"), key="k")
        await outbox.claim(session, clock.now(), lease=LEASE, limit=10, platforms=["fake"])
    assert app.heartbeat is not None
    clock.advance(seconds=60)
    assert not await app.heartbeat.beat()  # an unowned claim is not taken over
    await app.sender.drain()
    assert fake.texts() == []
    clock.advance(seconds=61)
    await app.sender.drain()
    assert fake.texts() == ["hello"]
    assert (await _audit(app))[-1].detail["resent"] == "after_restart"


async def test_due_items_claimed_back_after_a_lease_count_as_resumed(
    app: App, clock: FakeClock
) -> None:
    async with app.sessions.begin() as session:
        await due.schedule(session, clock.now(), kind="x", due_at=clock.now(), payload={})
        [first] = await due.claim(session, clock.now(), worker="w-a", lease=LEASE, limit=1)
    clock.advance(seconds=LEASE.total_seconds() + 1)
    async with app.sessions.begin() as session:
        [again] = await due.claim(session, clock.now(), worker="w-b", lease=LEASE, limit=1)
        status = await session.scalar(select(DueItem.status))
    assert (first.resumed, again.resumed, status) == (False, True, DueStatus.CLAIMED.value)


async def test_an_exited_process_on_this_host_is_taken_over_without_waiting(
    app: App, fake: RecordingAdapter, clock: FakeClock
) -> None:
    """kill -9 then restart: the dead one's pid is gone, so its fresh heartbeat does not count."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import os; print(os.getpid())", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await child.communicate()  # exited and reaped: its pid is free
    await _dead_instance_holding(app, clock, at_most_once=False)
    async with app.sessions.begin() as session:
        await session.execute(
            update(instances.Instance).where(instances.Instance.id == DEAD).values(pid=int(out))
        )
    assert app.heartbeat is not None
    moved = await app.heartbeat.beat()  # no time has passed: only the pid tells
    assert (moved.resent, moved.due, moved.dead) == (1, 1, [DEAD])


async def test_a_row_taken_over_from_a_live_instance_is_not_sent_by_it(
    app: App, fake: RecordingAdapter, clock: FakeClock
) -> None:
    """A database outage longer than ``stale_seconds``: another instance declared this one
    dead and took its claims; this one, still holding an at-most-once row, must not send it."""
    assert app.heartbeat is not None and app.sender.owner is not None
    await app.heartbeat.beat()
    async with app.sessions.begin() as session:
        await outbox.enqueue(
            session, clock.now(), TO, Reply("紧急通知"), key="bc:1", at_most_once=True
        )
        [row] = await outbox.claim(
            session, clock.now(), lease=LEASE, limit=1, platforms=["fake"], owner=app.sender.owner
        )
    clock.advance(seconds=app.config.instances.stale_seconds + 1)  # this one could not beat
    async with app.sessions.begin() as session:
        await instances.beat(session, DEAD, clock.now())  # "DEAD" is the live one here
        moved = await instances.take_over(
            session, DEAD, clock.now(), timedelta(seconds=app.config.instances.stale_seconds)
        )
    assert moved.resent == 1
    assert await app.sender._deliver("fake", "fake", row) is None  # lane class = the platform
    assert fake.texts() == []
    async with app.sessions.begin() as session:  # the other instance sends it, once
        [again] = await outbox.claim(
            session, clock.now(), lease=LEASE, limit=1, platforms=["fake"], owner=DEAD
        )
        assert await outbox_once.begin_send(session, again.id, clock.now(), DEAD)
        assert not await outbox_once.begin_send(session, again.id, clock.now(), DEAD)

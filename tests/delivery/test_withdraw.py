"""Withdrawing at-most-once rows: a claimed row not yet handed over is cancelled and never sent;
one whose send has started is left alone; rows under other keys are untouched."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.messages import Reply, Target
from bot.store import outbox, outbox_once
from bot.store.outbox import OutboxMessage, OutboxStatus
from tests.support import RecordingAdapter

LEASE = timedelta(seconds=120)


async def _queue(app: App, clock: FakeClock, *keys: str) -> list[outbox.Claimed]:
    async with app.sessions.begin() as session:
        for key in keys:
            await outbox.enqueue(
                session,
                clock.now(),
                Target("fake", key),
                Reply("短信"),
                key=key,
                at_most_once=True,
            )
        return await outbox.claim(
            session,
            clock.now(),
            lease=LEASE,
            limit=10,
            platforms=["fake"],
            owner=app.sender.owner,  # as this instance's sender claims (begin_send checks it)
        )


async def _statuses(app: App) -> dict[str, str]:
    async with app.sessions() as session:
        rows = await session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.status))
    return {str(key): str(status) for key, status in rows.all()}


async def test_a_claimed_row_withdrawn_before_its_send_is_not_sent(
    app: App, clock: FakeClock, fake: RecordingAdapter
) -> None:
    claimed = await _queue(app, clock, "bcx:1:u7:0", "bcx:1:u8:0", "bcx:10:u7:0")
    async with app.sessions.begin() as session:
        assert await outbox_once.withdraw(session, "bcx:1:u7:") == 1
    for row in claimed:
        await app.sender._deliver("fake", "fake", row)
    assert [address for address, _ in fake.sent] == ["bcx:1:u8:0", "bcx:10:u7:0"]
    assert (await _statuses(app))["bcx:1:u7:0"] == OutboxStatus.CANCELLED.value


async def test_a_send_already_started_is_not_withdrawn(app: App, clock: FakeClock) -> None:
    [row] = await _queue(app, clock, "bcx:2:u7:0")
    async with app.sessions.begin() as session:
        assert await outbox_once.begin_send(session, row.id, clock.now(), app.sender.owner)
        assert await outbox_once.withdraw(session, "bcx:2:") == 0
        # The prefix is matched literally: "_" and "%" are not wildcards.
        assert await outbox_once.withdraw(session, "bcx_2") == 0
    assert (await _statuses(app))["bcx:2:u7:0"] == OutboxStatus.SENDING.value

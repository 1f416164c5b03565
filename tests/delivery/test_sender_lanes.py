"""Sender lanes: a chat free soon is waited for in place, a chat free later has its rows put back,
a newer row never overtakes older rows that were put back, and stopping puts held rows back."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.app import App
from bot.config import RateLimit
from bot.core.clock import Clock, FakeClock, LiveClock
from bot.core.messages import Reply, Target
from bot.delivery.limits import PlatformLimits
from bot.delivery.sender import Sender
from bot.store import outbox
from bot.store.outbox import OutboxMessage
from tests.conftest import START
from tests.support import RecordingAdapter


def _limit(sender: Sender, clock: Clock, per_chat: float) -> None:
    sender.limits["fake"] = PlatformLimits(
        RateLimit(overall_per_second=1000, per_chat_per_second=per_chat), clock
    )


def _own_sender(app: App, fake: RecordingAdapter, clock: Clock) -> Sender:
    """A second sender on the app's database, sending to ``fake`` on ``clock``."""
    config = app.config
    return Sender(
        app.sessions, {"fake": fake}, config.outbox, config.platforms, clock, app.sender.directory
    )


async def _queue(app: App, address: str, texts: list[str]) -> None:
    async with app.sessions.begin() as session:
        for text in texts:
            await outbox.enqueue(
                session, START, Target("fake", address), Reply(text), key=f"{address}:{text}"
            )


async def _rows(app: App) -> dict[str, OutboxMessage]:
    async with app.sessions() as session:
        found = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.platform == "fake")
        )
        return {row.payload["text"]: row for row in found}


def _timed(fake: RecordingAdapter, clock: Clock) -> list[tuple[str, datetime]]:
    """Record when each send happens, by chat."""
    times: list[tuple[str, datetime]] = []
    record = fake.send

    async def send(address: str, reply: Reply, edit_of: str | None = None) -> str:
        times.append((address, clock.now()))
        return await record(address, reply, edit_of)

    fake.send = send  # type: ignore[method-assign]
    return times


async def test_a_chat_free_soon_is_waited_for_in_place(app: App, fake: RecordingAdapter) -> None:
    clock = LiveClock(START)
    sender = _own_sender(app, fake, clock)
    _limit(sender, clock, per_chat=20)  # 50 ms apart
    times = _timed(fake, clock)
    await _queue(app, "a", ["a0", "a1", "a2", "a3"])
    await _queue(app, "b", ["b0", "b1", "b2", "b3"])

    await sender.drain()

    assert fake.texts("a") == ["a0", "a1", "a2", "a3"]
    assert fake.texts("b") == ["b0", "b1", "b2", "b3"]
    for chat in ("a", "b"):
        sent = [at for address, at in times if address == chat]
        gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(sent)]
        assert min(gaps) >= 0.049  # the chat's limit holds
    rows = await _rows(app)
    assert {row.status for row in rows.values()} == {"sent"}
    assert {row.next_attempt_at for row in rows.values()} == {START}  # none was put back


async def test_a_newer_row_waits_behind_rows_put_back(
    app: App, fake: RecordingAdapter, clock: FakeClock
) -> None:
    _limit(app.sender, clock, per_chat=1)
    await _queue(app, "a", ["a0", "a1", "a2"])
    await app.sender.drain()
    assert fake.texts("a") == ["a0"]  # the chat is busy for a second: the rest went back

    await _queue(app, "a", ["a3"])  # due now, but must not overtake a1 and a2
    await app.sender.drain()
    assert fake.texts("a") == ["a0"]
    rows = await _rows(app)
    assert {rows[t].next_attempt_at for t in ("a1", "a2", "a3")} == {START + timedelta(seconds=1)}
    assert {rows[t].attempts for t in ("a1", "a2", "a3")} == {0}  # waiting is not a failure

    for _ in range(3):
        clock.advance(seconds=1)
        await app.sender.drain()
    assert fake.texts("a") == ["a0", "a1", "a2", "a3"]


async def test_the_overall_limit_is_a_grid_and_chats_are_timed_from_their_slot(
    clock: FakeClock,
) -> None:
    limits = PlatformLimits(
        RateLimit(overall_per_second=10, per_chat_per_second=1, per_group_per_minute=20), clock
    )
    for chat in ("a", "b", "c"):
        assert await limits.try_acquire(chat, group=False) is None
    start = clock.now()
    assert [limits.ready(chat) for chat in ("a", "b", "c")] == [
        start + timedelta(seconds=s) for s in (1, 1.1, 1.2)
    ]


async def test_stopping_puts_held_rows_back_due_at_once(app: App, fake: RecordingAdapter) -> None:
    clock = LiveClock(START)
    sender = _own_sender(app, fake, clock)
    _limit(sender, clock, per_chat=2)
    await _queue(app, "a", ["a0", "a1", "a2"])
    stop = asyncio.Event()
    first_sent = asyncio.Event()
    record = fake.send

    async def send(address: str, reply: Reply, edit_of: str | None = None) -> str:
        first_sent.set()
        return await record(address, reply, edit_of)

    fake.send = send  # type: ignore[method-assign]
    running = asyncio.create_task(sender.run(stop))
    await asyncio.wait_for(first_sent.wait(), timeout=5)
    stop.set()
    await asyncio.wait_for(running, timeout=5)

    assert fake.texts("a") == ["a0"]
    rows = await _rows(app)
    assert [rows[t].status for t in ("a1", "a2")] == ["pending", "pending"]
    assert all(rows[t].next_attempt_at <= clock.now() for t in ("a1", "a2"))

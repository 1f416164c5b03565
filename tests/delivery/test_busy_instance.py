"""A busy instance is never taken over: its beats do not queue behind its own busy connections.

Under load every pooled connection of an instance can be waiting (for the audit chain's tip, a
slow commit). Its heartbeat, on a connection of its own (bot/store/engine.py:own_pool), still
beats; a peer sees it alive and leaves its claims alone — or it would send them a second time.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.messages import Reply, Target
from bot.store import instances, outbox
from bot.store.engine import make_engine, make_sessionmaker
from bot.store.outbox import OutboxMessage

PEER = "i-00000000000peer1"


async def test_a_busy_instance_keeps_beating_and_is_never_taken_over(
    app: App, clock: FakeClock, db_url: str
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite runs one process on one connection: the beat shares it")
    assert app.heartbeat is not None
    me = app.heartbeat.me
    await app.heartbeat.beat()
    async with app.sessions.begin() as session:
        await outbox.enqueue(session, clock.now(), Target("fake", "p-1"), Reply("提醒"), key="k1")
        [row] = await outbox.claim(
            session,
            clock.now(),
            lease=timedelta(seconds=120),
            limit=5,
            platforms=["fake"],
            owner=me,
        )
    pool = app.engine.pool
    held: list[AsyncConnection] = []
    peer_engine = make_engine(db_url)
    peer = make_sessionmaker(peer_engine)
    try:
        # Every connection of the instance's pool is busy (checked out, in a transaction).
        for _ in range(pool.size() + app.engine.pool._max_overflow):  # type: ignore[attr-defined]
            conn = await app.engine.connect()
            await conn.begin()
            held.append(conn)
        stale = timedelta(seconds=app.config.instances.stale_seconds)
        for _ in range(4):  # well past stale_seconds in all
            clock.advance(seconds=app.config.instances.beat_seconds + 1)
            await asyncio.wait_for(app.heartbeat.beat(), timeout=10)
            async with peer.begin() as session:
                await instances.beat(session, PEER, clock.now())
                moved = await instances.take_over(session, PEER, clock.now(), stale)
            assert not moved, "a peer took over a live (busy) instance"
    finally:
        for conn in held:
            await conn.close()
        await peer_engine.dispose()
    async with app.sessions() as session:
        owner = await session.scalar(
            select(OutboxMessage.claimed_by).where(OutboxMessage.id == row.id)
        )
    assert owner == me

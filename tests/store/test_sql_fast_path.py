"""The SQLite fast path writes exactly what the ORM path writes (types, formats, results)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.core.messages import Reply, Target
from bot.store import audit, audit_verify, outbox
from bot.store.engine import make_engine, make_sessionmaker
from bot.store.migrate import upgrade
from bot.store.outbox import OutboxMessage
from bot.store.sql import _RAW, attach_fast_path
from tests.conftest import START


async def test_fast_and_orm_paths_agree(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        await upgrade(engine)
        sessions = make_sessionmaker(engine)
        for n, fast in enumerate((True, False)):
            async with sessions.begin() as session:
                if fast:
                    await attach_fast_path(session)
                assert (_RAW in session.info) is fast
                when = START + timedelta(minutes=n)
                reply = Reply("测试", edit_key=f"e{n}")
                target = Target("fake", "chat")
                assert await outbox.enqueue(session, when, target, reply, key=f"k{n}")
                assert not await outbox.enqueue(session, when, target, reply, key=f"k{n}")
                seq = await audit.append(
                    session, when, audit.Entry(kind="system", detail={"n": n})
                )
                assert seq == n + 1
        async with sessions() as session:
            rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
            # Datetimes written by either path compare and sort as the same type.
            due = list(
                await session.scalars(
                    select(OutboxMessage.idempotency_key).where(
                        OutboxMessage.next_attempt_at > START
                    )
                )
            )
            assert (await audit_verify.verify(session)).ok
        assert [r.next_attempt_at for r in rows] == [START, START + timedelta(minutes=1)]
        assert [r.payload for r in rows] == [
            Reply("测试", edit_key=f"e{n}").to_payload() for n in (0, 1)
        ]
        assert due == ["k1"]
    finally:
        await engine.dispose()


async def test_thread_driver_never_gets_the_fast_path(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url, sqlite_inline=False)
    try:
        await upgrade(engine)
        async with make_sessionmaker(engine).begin() as session:
            await attach_fast_path(session)
            assert _RAW not in session.info
    finally:
        await engine.dispose()

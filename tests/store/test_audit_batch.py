"""Appending to the audit chain in batches: the same chain as one by one, one tip lock a batch,
and batches appended at the same time by two processes still make one verifiable chain."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.store import audit, audit_verify
from bot.store.engine import make_engine, make_sessionmaker
from bot.store.migrate import upgrade
from tests.conftest import START

KEY = b"k" * 32


def _entries(prefix: str, n: int) -> list[audit.Entry]:
    return [
        audit.Entry(kind="outbound", command=f"{prefix}{i}", chat=f"telegram:{i}", detail={"i": i})
        for i in range(n)
    ]


async def _rows(sessions) -> list[audit.AuditLog]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return list(await session.scalars(select(audit.AuditLog).order_by(audit.AuditLog.seq)))


async def test_a_batch_makes_the_chain_one_by_one_appends_would(db_url: str) -> None:
    engine = make_engine(db_url)
    await upgrade(engine)
    sessions = make_sessionmaker(engine, KEY)
    try:
        async with sessions.begin() as session:
            assert await audit.append(session, START, audit.Entry(kind="system")) == 1
            seqs = await audit.append_many(session, START, _entries("send", 4))
            assert await audit.append_many(session, START, []) == []
        assert seqs == [2, 3, 4, 5]
        rows = await _rows(sessions)
        prev = audit.GENESIS
        for row in rows:  # each row's hash is its own over the one before: a plain chain
            fields = {k: getattr(row, k) for k in audit.HASHED_FIELDS}
            assert row.prev_hash == prev and row.hash == audit.row_hash(prev, fields, KEY)
            prev = row.hash
        assert [r.command for r in rows[1:]] == ["send0", "send1", "send2", "send3"]
        async with sessions() as session:
            head = await session.get(audit.AuditHead, 1)
            result = await audit_verify.verify(session, (), START + timedelta(days=1))
        assert head is not None and (head.last_seq, head.last_hash) == (5, prev)
        assert result.ok and result.checked == 5
    finally:
        await engine.dispose()


async def test_batches_from_two_processes_at_once_keep_one_verifiable_chain(
    db_url: str,
) -> None:
    first = make_engine(db_url)
    await upgrade(first)
    second = make_engine(db_url)  # another process's engine: its own connections
    one, two = make_sessionmaker(first, KEY), make_sessionmaker(second, KEY)

    async def writer(sessions, name: str) -> None:  # type: ignore[no-untyped-def]
        for batch in range(6):
            async with sessions.begin() as session:
                await audit.append_many(session, START, _entries(f"{name}{batch}-", 7))
                await asyncio.sleep(0)  # the other writer runs meanwhile (and waits for the tip)

    try:
        await asyncio.gather(writer(one, "a"), writer(two, "b"), writer(one, "c"))
        rows = await _rows(one)
        assert [r.seq for r in rows] == list(range(1, 3 * 6 * 7 + 1))
        # A batch's rows are contiguous: the tip was held from its first row to its last.
        batches = [r.command.split("-")[0] for r in rows]
        assert all(len(set(batches[i : i + 7])) == 1 for i in range(0, len(rows), 7))
        async with two() as session:
            result = await audit_verify.verify(session, (), START + timedelta(days=1))
        assert result.ok and result.checked == len(rows)
    finally:
        await first.dispose()
        await second.dispose()

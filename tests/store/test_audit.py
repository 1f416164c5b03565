"""Audit log: hash chain verification, database-enforced append-only, 180-day floor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.store import audit
from bot.store.engine import make_engine, make_sessionmaker
from bot.store.migrate import upgrade
from tests.conftest import START


async def _chain(url: str, rows: int = 5, recent: bool = False):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    await upgrade(engine)
    start = await _database_now(engine) if recent else START
    sessions = make_sessionmaker(engine)
    async with sessions.begin() as session:
        for i in range(rows):
            await audit.append(
                session,
                start + timedelta(seconds=i),
                audit.Entry(
                    kind="command",
                    command=f"cmd{i}",
                    actor="张三",
                    detail={"n": i, "中文": "值班"},
                ),
            )
    return engine, sessions


async def _database_now(engine) -> datetime:  # type: ignore[no-untyped-def]
    """The database's own clock: the 180-day guard is a trigger and reads it, not ours."""
    async with engine.connect() as conn:
        now: datetime = await conn.scalar(select(func.current_timestamp()))
    return now if now.tzinfo else now.replace(tzinfo=UTC)


async def test_intact_chain_verifies(db_url: str) -> None:
    engine, sessions = await _chain(db_url)
    try:
        async with sessions() as session:
            result = await audit.verify(session)
        assert result.ok and result.checked == 5
    finally:
        await engine.dispose()


async def test_updates_and_recent_deletes_are_refused_by_the_database(db_url: str) -> None:
    engine, sessions = await _chain(db_url, recent=True)
    try:
        for statement in (
            "UPDATE audit_log SET outcome = 'ok2' WHERE seq = 2",
            "DELETE FROM audit_log WHERE seq = 5",
        ):
            with pytest.raises((DBAPIError, IntegrityError)) as caught:
                async with sessions.begin() as session:
                    await session.execute(text(statement))
            assert "audit" in str(caught.value)
    finally:
        await engine.dispose()


def _drop_guards(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return ["DROP TRIGGER audit_log_guard ON audit_log"]
    return ["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_keep_180_days"]


@pytest.mark.parametrize(
    ("tamper", "bad_seq"),
    [
        ("UPDATE audit_log SET outcome = 'forged' WHERE seq = 3", 3),
        ("UPDATE audit_log SET detail = '{\"n\": 9}' WHERE seq = 2", 2),
        ("DELETE FROM audit_log WHERE seq = 4", 4),
        ("DELETE FROM audit_log WHERE seq = 5", 5),
    ],
)
async def test_verify_names_the_first_tampered_row(db_url: str, tamper: str, bad_seq: int) -> None:
    engine, sessions = await _chain(db_url)
    try:
        async with sessions.begin() as session:  # someone with database access disables the guard
            for statement in _drop_guards(engine.dialect.name):
                await session.execute(text(statement))
            await session.execute(text(tamper))
        async with sessions() as session:
            result = await audit.verify(session)
        assert not result.ok
        assert result.first_bad_seq == bad_seq
        assert result.reason
    finally:
        await engine.dispose()

"""Audit log: keyed chain verification, database-enforced append-only, six-month floor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.store import audit, audit_verify
from bot.store.audit_verify import months_before
from bot.store.engine import make_engine, make_sessionmaker
from bot.store.migrate import upgrade
from tests.conftest import START

KEY = b"k" * 32


async def _chain(  # type: ignore[no-untyped-def]
    url: str, rows: int = 5, recent: bool = False, key: bytes | None = KEY
):
    engine = make_engine(url)
    await upgrade(engine)
    start = await _database_now(engine) if recent else START
    sessions = make_sessionmaker(engine, key)
    await _append(sessions, start, rows)
    return engine, sessions


async def _append(sessions, start: datetime, rows: int, first: int = 0) -> None:  # type: ignore[no-untyped-def]
    async with sessions.begin() as session:
        for i in range(first, first + rows):
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


async def _database_now(engine) -> datetime:  # type: ignore[no-untyped-def]
    """The database's own clock: the retention guard is a trigger and reads it, not ours."""
    async with engine.connect() as conn:
        now: datetime = await conn.scalar(select(func.current_timestamp()))
    return now if now.tzinfo else now.replace(tzinfo=UTC)


async def _verify(sessions, anchors=()):  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return await audit_verify.verify(session, anchors, START + timedelta(days=1))


async def test_intact_keyed_chain_verifies_and_is_not_plain_sha(db_url: str) -> None:
    engine, sessions = await _chain(db_url)
    try:
        result = await _verify(sessions)
        assert result.ok and result.checked == 5 and result.legacy == 0
        async with sessions() as session:
            row = await session.scalar(select(audit.AuditLog).where(audit.AuditLog.seq == 1))
        fields = {k: getattr(row, k) for k in audit.HASHED_FIELDS}
        assert row is not None and row.hash != audit.row_hash(audit.GENESIS, fields)
        assert row.hash == audit.row_hash(audit.GENESIS, fields, KEY)
    finally:
        await engine.dispose()


async def test_rows_written_before_the_key_still_verify(db_url: str) -> None:
    engine, unkeyed = await _chain(db_url, rows=3, key=None)
    try:
        keyed = make_sessionmaker(engine, KEY)
        await _append(keyed, START + timedelta(hours=1), 2, first=3)
        result = await _verify(keyed)
        assert result.ok, result.problems
        assert (result.checked, result.legacy) == (5, 3)
        # ...but an unkeyed row after keyed ones is someone writing without the key
        await _append(unkeyed, START + timedelta(hours=2), 1, first=5)
        result = await _verify(keyed)
        assert result.first_bad_seq == 6 and "不是用审计密钥" in result.reason
    finally:
        await engine.dispose()


async def test_a_rotated_key_keeps_old_rows_verifying_but_never_signs_new_ones(
    db_url: str,
) -> None:
    engine, before = await _chain(db_url, rows=3)
    try:
        new = b"n" * 32
        after = make_sessionmaker(engine, new, (KEY,))
        await _append(after, START + timedelta(hours=1), 2, first=3)
        result = await _verify(after)
        assert result.ok and result.checked == 5, result.problems
        assert (await _verify(make_sessionmaker(engine, new))).first_bad_seq == 1
        await _append(before, START + timedelta(hours=2), 1, first=5)  # the old key, leaked
        result = await _verify(after)
        assert result.first_bad_seq == 6 and "已停用的旧密钥" in result.reason
    finally:
        await engine.dispose()


async def test_updates_and_recent_deletes_are_refused_by_the_database(db_url: str) -> None:
    engine, sessions = await _chain(db_url, recent=True)
    try:
        for statement in (
            "UPDATE audit_log SET outcome = 'ok2' WHERE seq = 2",
            "DELETE FROM audit_log WHERE seq = 5",
            "DELETE FROM audit_log",
        ):
            with pytest.raises((DBAPIError, IntegrityError)) as caught:
                async with sessions.begin() as session:
                    await session.execute(text(statement))
            assert "audit" in str(caught.value)
        assert (await _verify(sessions)).checked == 5
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_truncate_is_refused_on_postgresql(db_url: str) -> None:
    engine, sessions = await _chain(db_url, recent=True)
    try:
        if engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no TRUNCATE; DELETE without WHERE fires the row trigger")
        for table in ("audit_log", "audit_head"):
            with pytest.raises(DBAPIError) as caught:
                async with sessions.begin() as session:
                    await session.execute(text(f"TRUNCATE {table}"))
            assert "truncated" in str(caught.value)
        assert (await _verify(sessions)).checked == 5
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("keep", "age_months", "days", "deletable"),
    [
        (6, 6, 2, False),  # 180 days is short of six calendar months at most dates
        (6, 6, -2, True),
        (1, 6, 2, False),  # the configured value never lowers the floor
        (12, 7, 0, False),
        (12, 13, 0, True),
    ],
)
async def test_retention_counts_calendar_months(
    db_url: str, keep: int, age_months: int, days: int, deletable: bool
) -> None:
    engine, sessions = await _chain(db_url, rows=0)
    try:
        now = await _database_now(engine)
        async with sessions.begin() as session:
            await audit.keep_months(session, keep)
            await audit.append(
                session,
                months_before(now, age_months) + timedelta(days=days),
                audit.Entry(kind="system", command="old"),
            )
        statement = text("DELETE FROM audit_log WHERE seq = 1")
        if deletable:
            async with sessions.begin() as session:
                await session.execute(statement)
        else:
            with pytest.raises((DBAPIError, IntegrityError)):
                async with sessions.begin() as session:
                    await session.execute(statement)
    finally:
        await engine.dispose()


def test_months_before_keeps_to_the_calendar() -> None:
    at = datetime(2026, 8, 31, 10, 0, tzinfo=UTC)
    assert months_before(at, 6) == datetime(2026, 2, 28, 10, 0, tzinfo=UTC)
    assert months_before(datetime(2024, 8, 29, tzinfo=UTC), 6) == datetime(2024, 2, 29, tzinfo=UTC)
    assert months_before(datetime(2027, 1, 15, tzinfo=UTC), 13) == datetime(
        2025, 12, 15, tzinfo=UTC
    )


def drop_guards(dialect: str) -> list[str]:
    """What someone with write access to the database runs first."""
    if dialect == "postgresql":
        return [
            "DROP TRIGGER audit_log_guard ON audit_log",
            "DROP TRIGGER audit_log_no_truncate ON audit_log",
        ]
    return ["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_keep_months"]


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
            for statement in drop_guards(engine.dialect.name):
                await session.execute(text(statement))
            await session.execute(text(tamper))
        result = await _verify(sessions)
        assert not result.ok
        assert result.first_bad_seq == bad_seq
        assert f"第 {bad_seq}" in result.reason
    finally:
        await engine.dispose()

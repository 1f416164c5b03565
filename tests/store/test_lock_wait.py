"""The inline SQLite driver waits for another process's lock without freezing the event loop."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from bot.store.sqlite_inline import creator, when_free
from tests.locking import LATE, Heartbeat, locked


def _table(path: Path, wal: bool = True) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.close()


async def test_begin_waits_for_the_lock_without_blocking_the_loop(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    _table(path)
    conn = await creator(str(path), busy_seconds=5)()
    try:
        with locked(path, 0.6) as released:
            async with Heartbeat() as beat:
                await conn.execute("BEGIN IMMEDIATE")
                began = time.monotonic()
                await conn.execute("INSERT INTO t VALUES (1)")
                await conn.commit()
        assert began >= released[0]  # it really waited for the other writer
        assert beat.worst < LATE
    finally:
        await conn.close()


async def test_commit_waits_for_a_reader_without_blocking_the_loop(tmp_path: Path) -> None:
    # Without WAL a COMMIT needs every reader gone; SQLite lets a busy COMMIT be tried again.
    path = tmp_path / "db.sqlite"
    _table(path, wal=False)
    conn = await creator(str(path), busy_seconds=5)()
    try:
        await conn.execute("BEGIN IMMEDIATE")
        await conn.execute("INSERT INTO t VALUES (1)")
        with locked(path, 0.6, "BEGIN") as released:
            async with Heartbeat() as beat:
                await conn.commit()
                committed = time.monotonic()
        assert committed >= released[0]
        assert beat.worst < LATE
        rows = await (await conn.execute("SELECT x FROM t")).fetchall()
        assert rows == [(1,)]  # committed once, nothing lost or doubled
    finally:
        await conn.close()


async def test_gives_up_after_busy_seconds_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    _table(path)
    conn = await creator(str(path), busy_seconds=0.2)()
    try:
        with locked(path, 1.0):
            async with Heartbeat() as beat:
                started = time.monotonic()
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    await conn.execute("BEGIN IMMEDIATE")
                waited = time.monotonic() - started
        assert 0.2 <= waited < 0.9
        assert beat.worst < LATE
        await conn.execute("BEGIN IMMEDIATE")  # free again: the connection still works
        await conn.execute("INSERT INTO t VALUES (2)")
        await conn.commit()
        assert await (await conn.execute("SELECT x FROM t")).fetchall() == [(2,)]
    finally:
        await conn.close()


async def test_other_errors_are_raised_at_once_not_retried() -> None:
    calls = []

    def bad() -> None:
        calls.append(1)
        raise sqlite3.OperationalError("near 'SELEC': syntax error")

    with pytest.raises(sqlite3.OperationalError, match="syntax"):
        await when_free(bad, busy_seconds=5)
    assert calls == [1]

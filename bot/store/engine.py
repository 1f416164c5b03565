"""Database engine and sessions: SQLite (WAL, foreign keys, immediate transactions) or PG."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.store.sqlite_inline import creator


def ensure_sqlite_dir(url: str) -> None:
    """Create the directory of a file-based SQLite database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_setup(engine: AsyncEngine, manual_checkpoints: bool) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        if manual_checkpoints:
            # Copying the WAL back (with an fsync) inside a commit stalls the event loop for
            # ~10 ms every few hundred messages; App runs checkpoints on a thread instead.
            cur.execute("PRAGMA wal_autocheckpoint=0")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: a read-then-write transaction can then never
        # fail with SQLITE_BUSY half way, which deferred transactions do under concurrency.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, echo: bool = False, sqlite_inline: bool = True) -> AsyncEngine:
    """Create the async engine for ``url`` with the settings each backend needs.

    SQLite runs inline on the event loop through one pooled connection (bot.store.sqlite_inline);
    ``sqlite_inline=False`` uses aiosqlite's thread instead (kept for comparison in benchmarks).
    """
    ensure_sqlite_dir(url)
    if url.startswith("sqlite"):
        database = make_url(url).database or ":memory:"
        if sqlite_inline:
            engine = create_async_engine(
                url,
                echo=echo,
                async_creator=creator(database),
                pool_size=1,
                max_overflow=0,
                pool_timeout=60,
                # Sessions always end their transactions; a second ROLLBACK on check-in is waste.
                pool_reset_on_return=None,
            )
        else:
            engine = create_async_engine(url, echo=echo)
        _sqlite_setup(engine, manual_checkpoints=sqlite_inline)
        return engine
    return create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=10)


def _checkpoint(path: str, mode: str) -> None:
    conn = sqlite3.connect(path, timeout=5)
    try:
        conn.execute(f"PRAGMA wal_checkpoint({mode})")
    finally:
        conn.close()


async def checkpoint(engine: AsyncEngine, mode: str = "PASSIVE") -> bool:
    """Copy SQLite's WAL into the database file on a worker thread; False for other databases.

    PASSIVE never waits for or blocks writers; TRUNCATE (at shutdown) also empties the WAL.
    """
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return False
    await asyncio.to_thread(_checkpoint, str(engine.url.database), mode)
    return True


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (handlers read them to build replies)."""
    return async_sessionmaker(engine, expire_on_commit=False)

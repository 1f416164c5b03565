"""Database engine and sessions: SQLite (WAL, foreign keys, immediate transactions) or PG."""

from __future__ import annotations

import asyncio
import contextlib
import logging
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
from sqlalchemy.pool import NullPool

from bot.core.private_files import private_dir, private_file, sqlite_files, touch_private
from bot.store import audit
from bot.store.sqlite_inline import creator

log = logging.getLogger("dutybot.store")


def ensure_sqlite_dir(url: str) -> None:
    """Create the directory (0700) and file of a file-based SQLite database, owner-only.

    SQLite creates -wal and -shm with the database file's mode, so creating the file 0600
    first keeps all three private whatever the umask; existing ones are narrowed here too.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        database = Path(str(parsed.database)).expanduser()
        private_dir(database.parent)
        if not database.exists():
            touch_private(database)
        for path in sqlite_files(database):
            private_file(path)


#: How long a statement waits for another process's lock before failing (both drivers).
BUSY_SECONDS = 10.0


def _sqlite_setup(engine: AsyncEngine, inline: bool) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # The inline driver waits for locks itself, yielding the loop (bot.store.sqlite_inline);
        # SQLite's busy handler would sleep on the loop's thread. aiosqlite's sleeps on its own.
        cur.execute(f"PRAGMA busy_timeout={0 if inline else int(BUSY_SECONDS * 1000)}")
        if inline:
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
                async_creator=creator(database, BUSY_SECONDS),
                pool_size=1,
                max_overflow=0,
                pool_timeout=60,
                # Sessions always end their transactions; a second ROLLBACK on check-in is waste.
                pool_reset_on_return=None,
            )
        else:
            engine = create_async_engine(url, echo=echo)
        _sqlite_setup(engine, inline=sqlite_inline)
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


async def checkpoints(engine: AsyncEngine, stop: asyncio.Event, seconds: float) -> None:
    """Checkpoint every ``seconds`` until ``stop``, then once more emptying the WAL."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)
        try:
            await checkpoint(engine, "TRUNCATE" if stop.is_set() else "PASSIVE")
        except Exception:  # a busy database now is no reason to stop checkpointing later
            log.warning("WAL checkpoint failed; will retry", exc_info=True)


def own_pool(sessions: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    """Sessions like ``sessions`` (same database, same audit keys) on a pool of their own, for a
    task that must not queue behind the busy path for a connection: the heartbeat. When every
    pooled connection waits (on a row lock, a slow commit), a beat that waits with them can miss
    ``instances.stale_seconds``, and a peer takes the live instance's rows over and sends them
    a second time. SQLite (one process, one connection) shares its pool: returned unchanged.
    """
    engine = sessions.kw["bind"]
    assert isinstance(engine, AsyncEngine)
    if engine.dialect.name == "sqlite":
        return sessions
    # A connection per beat (every few seconds), closed after it: nothing pooled to dispose of
    # or to find dead after a database restart.
    own = create_async_engine(engine.url, poolclass=NullPool)
    return async_sessionmaker(own, expire_on_commit=False, info=dict(sessions.kw.get("info", {})))


def make_sessionmaker(
    engine: AsyncEngine, audit_key: bytes | None = None, old_keys: tuple[bytes, ...] = ()
) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (handlers read them to build replies).

    ``audit_key`` (bot/store/audit_key.py) travels in each session's ``info`` to the audit
    chain, with the ``old_keys`` older rows were made with; only tests of the store itself go
    without one.
    """
    info: dict[str, object] = {}
    if audit_key is not None:
        info = {audit.KEY_INFO: audit_key, audit.OLD_KEYS_INFO: old_keys}
    return async_sessionmaker(engine, expire_on_commit=False, info=info)

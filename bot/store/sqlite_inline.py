"""An aiosqlite-compatible driver connection that runs SQLite calls inline on the event loop.

SQLAlchemy's aiosqlite dialect talks to a connection object with aiosqlite's interface. aiosqlite
runs each statement on its own thread, and on this kind of machine every hand-off costs about
0.5 ms (docs/benchmarks.md) — more than the statement itself. A local SQLite call in WAL mode
takes microseconds, so running it inline is faster and keeps the loop responsive. The engine
uses a single pooled connection so transactions in one process queue asynchronously for it
instead of blocking the loop on SQLite's file lock.

Another process (an admin's ``dutybot users add``) may hold the write lock for seconds. SQLite's
own busy handler would sleep on the loop's thread all that time — the whole bot froze
(docs/benchmarks.md). So the connection runs with ``busy_timeout=0``: a locked database answers
SQLITE_BUSY at once, and the statement is tried again after an ``asyncio.sleep`` that lets the loop
run, until the lock is free or ``busy_seconds`` have passed. Only the statement that failed is
tried again, which is whole: SQLITE_BUSY leaves nothing half done, and with BEGIN IMMEDIATE it
comes from BEGIN (before any statement of the transaction) or from COMMIT (which SQLite lets
one try again).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

_T = TypeVar("_T")
_SQLITE_BUSY = 5
#: First and longest pause between tries while another process holds the lock (seconds).
_FIRST_PAUSE, _LONGEST_PAUSE = 0.001, 0.005


def _busy(exc: sqlite3.OperationalError) -> bool:
    """Whether SQLite answered SQLITE_BUSY (any extended code): another connection holds a lock."""
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == _SQLITE_BUSY


async def when_free(call: Callable[[], _T], busy_seconds: float) -> _T:
    """Run ``call``; while the database is locked, try again after pauses that yield the loop.

    Raises:
        sqlite3.OperationalError: still locked after ``busy_seconds`` (as SQLite's own
            busy_timeout would), or any other error at once.
    """
    pause, deadline = _FIRST_PAUSE, None
    while True:
        try:
            return call()
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                raise
            now = time.monotonic()
            if deadline is None:
                deadline = now + busy_seconds
            elif now >= deadline:
                raise
        await asyncio.sleep(pause)
        pause = min(pause * 2, _LONGEST_PAUSE)


class _ImmediateQueue:
    """Stands in for aiosqlite's work queue: runs the function at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as exc:  # handed to the awaiting caller
            future.set_exception(exc)


class InlineCursor:
    """aiosqlite's Cursor interface over a sqlite3 cursor."""

    def __init__(self, cursor: sqlite3.Cursor, busy_seconds: float) -> None:
        self._cursor = cursor
        self._busy_seconds = busy_seconds

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Any = None) -> InlineCursor:
        args = () if parameters is None else parameters
        await when_free(lambda: self._cursor.execute(sql, args), self._busy_seconds)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        rows = list(parameters)  # a generator could not be read twice
        await when_free(lambda: self._cursor.executemany(sql, rows), self._busy_seconds)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size or self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class InlineConnection:
    """aiosqlite's Connection interface over a sqlite3 connection, without the thread."""

    def __init__(self, conn: sqlite3.Connection, busy_seconds: float = 10.0) -> None:
        self._conn = conn
        self._busy_seconds = busy_seconds
        self._connection: sqlite3.Connection | None = conn
        self._tx = _ImmediateQueue()
        #: The sqlite3 connection, safe to use directly from the event loop's thread.
        self.inline_sqlite = conn

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor(), self._busy_seconds)

    async def execute(self, sql: str, parameters: Any = None) -> InlineCursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        await when_free(self._conn.commit, self._busy_seconds)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate)."""
        if self._connection is not None:
            self._connection = None
            self._conn.close()


def creator(path: str, busy_seconds: float = 10.0) -> Callable[[], Awaitable[InlineConnection]]:
    """An ``async_creator`` for ``create_async_engine`` opening ``path``.

    The connection waits up to ``busy_seconds`` for another process's lock, never blocking the
    loop; bot.store.engine sets ``PRAGMA busy_timeout=0`` on it so SQLite itself never sleeps.
    """

    async def connect() -> InlineConnection:
        # Transactions are begun explicitly (BEGIN IMMEDIATE) by bot.store.engine, never by
        # the driver.
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=0)
        return InlineConnection(conn, busy_seconds)

    return connect

"""Hot-path SQL: Core statements built once, run straight on SQLite's driver when possible.

Every incoming message costs an inbox row, an identity lookup, an outbox row and an audit row.
Through the ORM and SQLAlchemy's execution pipeline each statement costs far more than SQLite
itself (docs/benchmarks.md), so these few statements are compiled once and, inside transactions
that attached the fast path, executed directly on the sqlite3 connection. Elsewhere (PostgreSQL,
or a session without the fast path) they run through SQLAlchemy as usual — same statements,
same results.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

_RAW = "dutybot.raw_sqlite"


@dataclass(frozen=True, slots=True)
class Rows:
    """Rows a statement returned (RETURNING or SELECT)."""

    rows: list[tuple[Any, ...]]

    def first(self) -> tuple[Any, ...] | None:
        """The first row, if any."""
        return self.rows[0] if self.rows else None


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    defaults: tuple[Any, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]


class Prepared:
    """One statement (or a builder of one per dialect name), compiled once for SQLite."""

    def __init__(self, statement: Executable | Callable[[str], Executable]) -> None:
        self._build: Callable[[str], Executable] = (
            (lambda _dialect: statement) if isinstance(statement, Executable) else statement
        )
        self._statements: dict[str, Executable] = {}
        self._sqlite: _Compiled | None = None

    def statement(self, dialect: str) -> Executable:
        """The SQLAlchemy statement for ``dialect``."""
        stmt = self._statements.get(dialect)
        if stmt is None:
            stmt = self._statements[dialect] = self._build(dialect)
        return stmt

    def _compile(self, dialect: Dialect) -> _Compiled:
        statement: Any = self.statement(dialect.name)
        compiled: Any = statement.compile(dialect=dialect)
        names = tuple(compiled.positiontup or ())
        binds = [compiled.binds[n] for n in names]
        return _Compiled(
            compiled.string,
            names,
            tuple(b.value for b in binds),
            tuple(b.type.dialect_impl(dialect).bind_processor(dialect) for b in binds),
        )

    async def execute(self, session: AsyncSession, params: dict[str, Any]) -> Rows:
        """Run with ``params`` in the session's transaction."""
        raw: sqlite3.Connection | None = session.info.get(_RAW)
        if raw is None:
            conn = await session.connection()
            result = await conn.execute(self.statement(conn.dialect.name), params)
            return Rows([tuple(r) for r in result.fetchall()] if result.returns_rows else [])
        compiled = self._compiled(session)
        return Rows(raw.execute(compiled.sql, self._args(compiled, params)).fetchall())

    async def execute_many(self, session: AsyncSession, params: list[dict[str, Any]]) -> None:
        """Run once per item of ``params`` (no rows returned): one executemany, one round trip
        where the driver allows (SQLAlchemy's insertmanyvalues, asyncpg's executemany)."""
        if not params:
            return
        raw: sqlite3.Connection | None = session.info.get(_RAW)
        if raw is None:
            conn = await session.connection()
            await conn.execute(self.statement(conn.dialect.name), params)
            return
        compiled = self._compiled(session)
        raw.executemany(compiled.sql, [self._args(compiled, p) for p in params])

    def _compiled(self, session: AsyncSession) -> _Compiled:
        if self._sqlite is None:
            self._sqlite = self._compile(session.get_bind().dialect)
        return self._sqlite

    @staticmethod
    def _args(compiled: _Compiled, params: dict[str, Any]) -> list[Any]:
        args = []
        for name, default, process in zip(
            compiled.names, compiled.defaults, compiled.processors, strict=True
        ):
            value = params.get(name, default)
            args.append(process(value) if process is not None else value)
        return args


async def attach_fast_path(session: AsyncSession) -> None:
    """Begin the session's transaction and, on inline SQLite, run Prepared statements directly.

    Only for sessions that live for exactly one transaction (``sessions.begin()`` blocks).
    """
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    # Only the inline driver (bot.store.sqlite_inline) runs on this thread; aiosqlite's connection
    # belongs to its worker thread and must not be touched from here.
    driver = getattr(raw.driver_connection, "inline_sqlite", None)
    if isinstance(driver, sqlite3.Connection):
        session.info[_RAW] = driver

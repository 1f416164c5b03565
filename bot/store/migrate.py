"""Schema migrations (Alembic) run from code: `dutybot db upgrade`, and `dutybot run` on SQLite."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _alembic_config(connection: Connection | None = None) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest revision(s) in the migrations folder, joined by "+".

    Each feature's tables come in a migration that branches from the initial schema, so there
    may be several heads; the database is current when it is at all of them.
    """
    heads = ScriptDirectory.from_config(_alembic_config()).get_heads()
    if not heads:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return "+".join(sorted(heads))


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision(s) the database is at, joined by "+" (None for an empty database)."""

    def _get(conn: Connection) -> str | None:
        heads = MigrationContext.configure(conn).get_current_heads()
        return "+".join(sorted(heads)) if heads else None

    async with engine.connect() as conn:
        return await conn.run_sync(_get)


def _sqlite_pragma(conn: Connection, sql: str) -> list[tuple[object, ...]]:
    """Run a PRAGMA on the raw connection, outside any transaction (where SQLite obeys it)."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


async def upgrade(engine: AsyncEngine, revision: str = "heads") -> None:
    """Bring the schema up to ``revision``.

    On SQLite, Alembic's batch mode rebuilds a table to change a constraint (copy, DROP, rename);
    with foreign keys enforced, dropping a table other rows refer to fails. So, as SQLite's own
    ALTER TABLE procedure says, foreign keys are off while migrating, and every reference is
    checked before they are turned on again.

    Raises:
        RuntimeError: a migration left rows pointing at nothing (SQLite).
    """
    sqlite = engine.dialect.name == "sqlite"

    def _upgrade(conn: Connection) -> None:
        if sqlite:
            _sqlite_pragma(conn, "PRAGMA foreign_keys=OFF")
        try:
            command.upgrade(_alembic_config(conn), revision)  # commits its own transaction
            broken = _sqlite_pragma(conn, "PRAGMA foreign_key_check") if sqlite else []
            if broken:
                raise RuntimeError(f"迁移后存在无效的外键引用：{broken[:5]}")
        finally:
            if sqlite:
                _sqlite_pragma(conn, "PRAGMA foreign_keys=ON")

    async with engine.connect() as conn:
        await conn.run_sync(_upgrade)
        await conn.commit()

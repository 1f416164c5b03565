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


async def upgrade(engine: AsyncEngine, revision: str = "heads") -> None:
    """Bring the schema up to ``revision``."""

    def _upgrade(conn: Connection) -> None:
        command.upgrade(_alembic_config(conn), revision)

    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)

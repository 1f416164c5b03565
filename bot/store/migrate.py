"""Schema migrations (Alembic) run from code: `dutybot db upgrade`, and `dutybot run` on SQLite.

Alembic is imported only to upgrade: checking that a database is current reads the migration
files' ``revision``/``down_revision`` and the ``alembic_version`` table directly, which keeps
Alembic (and its import time) off every start (docs/benchmarks.md §Start-up and memory).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config.base import ConfigError

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _alembic_config(connection: Connection | None = None) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

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
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        names = _assigned(path)
        if isinstance(names.get("revision"), str):
            revisions.add(names["revision"])
            down = names.get("down_revision")
            followed.update((down,) if isinstance(down, str) else down or ())
    heads = revisions - followed
    if not heads:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return "+".join(sorted(heads))


def _assigned(path: Path) -> dict[str, Any]:
    """The module-level constants a migration file assigns, read without importing it."""
    found: dict[str, Any] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets: list[ast.expr] = [node.target]
            value = node.value
        elif isinstance(node, ast.Assign):
            targets, value = list(node.targets), node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                found[target.id] = ast.literal_eval(value)
    return found


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision(s) the database is at, joined by "+" (None for an empty database)."""

    def _get(conn: Connection) -> str | None:
        if not inspect(conn).has_table("alembic_version"):
            return None
        heads = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
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

    from alembic import command

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


async def prepare(engine: AsyncEngine, auto_upgrade: bool) -> None:
    """Upgrade the schema (embedded SQLite) or insist it is current (PostgreSQL).

    Raises:
        ConfigError: the schema is behind and ``auto_upgrade`` is off, saying what to run.
    """
    current, head = await current_revision(engine), head_revision()
    if current == head:
        return  # the usual start: Alembic is not even imported
    if auto_upgrade:
        await upgrade(engine)
        return
    raise ConfigError(
        f"数据库结构版本为 {current or '空'}，需要 {head}。请先运行：dutybot db upgrade"
    )

"""SQLite engine settings: WAL, foreign keys, immediate transactions, checkpoints off the loop."""

from __future__ import annotations

import os

from sqlalchemy import text

from bot.store.engine import checkpoint, make_engine
from bot.store.migrate import upgrade


async def test_inline_sqlite_settings_and_manual_checkpoints(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    path = sqlite_url.removeprefix("sqlite+aiosqlite:///")
    try:
        await upgrade(engine)
        async with engine.begin() as conn:
            pragmas = [
                (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "wal_autocheckpoint")
            ]
            for i in range(200):
                await conn.execute(
                    text("INSERT INTO org_units (name, kind) VALUES (:n, '部门')"),
                    {"n": f"单位{i}"},
                )
        assert pragmas == ["wal", 1, 1, 0]  # NORMAL sync; the bot checkpoints by itself
        assert os.path.getsize(path + "-wal") > 0
        assert await checkpoint(engine, "TRUNCATE")
        assert os.path.getsize(path + "-wal") == 0
        async with engine.connect() as conn:
            count = (await conn.execute(text("SELECT count(*) FROM org_units"))).scalar()
        assert count == 200
    finally:
        await engine.dispose()


async def test_thread_driver_keeps_sqlite_automatic_checkpoints(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url, sqlite_inline=False)
    try:
        async with engine.connect() as conn:
            value = (await conn.exec_driver_sql("PRAGMA wal_autocheckpoint")).scalar()
        assert value == 1000
    finally:
        await engine.dispose()

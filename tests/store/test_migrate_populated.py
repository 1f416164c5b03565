"""A county's existing SQLite database upgrades with its people in it: a migration that rebuilds
a table other rows refer to (0013 rebuilds ``users``) must not trip over foreign keys, and
foreign keys are enforced again afterwards."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.store.engine import make_engine
from bot.store.migrate import upgrade

NOW = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


async def test_a_populated_database_upgrades_and_keeps_its_references(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        await upgrade(engine, "0001")
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO org_units (id, name, kind) VALUES (1, '县水利局', '部门')")
            )
            await conn.execute(
                text(
                    "INSERT INTO users (id, name, org_id, active, created_at) "
                    "VALUES (1, '孙伟', 1, :yes, :now)"
                ),
                {"yes": True, "now": NOW},
            )
            await conn.execute(
                text("INSERT INTO user_roles (user_id, role) VALUES (1, 'liaison')")
            )
        await upgrade(engine)  # every head, 0013's rebuild of users included
        async with engine.connect() as conn:
            roles = (await conn.execute(text("SELECT user_id, role FROM user_roles"))).all()
            assert [tuple(r) for r in roles] == [(1, "liaison")]
        with pytest.raises(IntegrityError):  # references are enforced again
            async with engine.begin() as conn:
                await conn.execute(
                    text("INSERT INTO user_roles (user_id, role) VALUES (99, 'officer')")
                )
    finally:
        await engine.dispose()

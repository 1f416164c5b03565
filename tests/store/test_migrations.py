"""Migrations: upgrading an empty database yields exactly the tables the models declare."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

import models
from bot.store.engine import make_engine
from bot.store.migrate import current_revision, head_revision, upgrade
from models.tickets.search import include_object


async def test_upgrade_matches_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()

        def diff(conn: Connection) -> list[Any]:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_object}
            )
            return list(compare_metadata(context, models.Base.metadata))

        async with engine.connect() as conn:
            assert await conn.run_sync(diff) == []
        await upgrade(engine)  # a second upgrade is a no-op
    finally:
        await engine.dispose()

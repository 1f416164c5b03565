"""Migrations: upgrading an empty database yields exactly the tables the models declare; an
upgraded bot that already ran cron jobs keeps catching up what it misses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

import models
from bot.store import due
from bot.store.engine import make_engine, make_sessionmaker
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


async def test_a_bot_upgraded_after_running_crons_counts_as_started_at_its_first_run(
    db_url: str,
) -> None:
    engine = make_engine(db_url)
    first = datetime(2026, 11, 2, 19, 30, 7, tzinfo=UTC)
    try:
        await upgrade(engine, "0001")  # a database from before the first start was recorded
        sessions = make_sessionmaker(engine)
        async with sessions.begin() as session:
            for started in (first.replace(day=3), first):
                session.add(
                    due.CronRun(
                        job="housekeeping",
                        scheduled_for=started.replace(second=0),
                        started_at=started,
                    )
                )
        await upgrade(engine)
        async with sessions.begin() as session:
            assert await due.first_start(session, datetime(2026, 12, 7, tzinfo=UTC)) == first
    finally:
        await engine.dispose()


async def test_a_new_database_records_its_first_start_once(db_url: str) -> None:
    engine = make_engine(db_url)
    start = datetime(2026, 12, 7, 0, 45, tzinfo=UTC)
    try:
        await upgrade(engine)
        sessions = make_sessionmaker(engine)
        for now in (start, start.replace(day=8)):
            async with sessions.begin() as session:
                assert await due.first_start(session, now) == start
    finally:
        await engine.dispose()

"""Migration 0025 on a database with a roster: every slot still to end gets the 值班日报 due item
that models/duty/due.py now plans (same key and payload); a slot already over gets none."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, text

from bot.store.due import DueItem
from bot.store.engine import make_engine, make_sessionmaker
from bot.store.migrate import upgrade

# Far from any real date: the migration compares with the database's clock.
PAST = datetime(2001, 5, 2, 0, 30, tzinfo=UTC)
FUTURE = datetime(2999, 5, 2, 0, 30, tzinfo=UTC)


async def test_slots_still_to_end_get_their_daily_report_item(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        await upgrade(engine, "0002")
        async with engine.begin() as conn:
            for slot_id, end in ((1, PAST), (2, FUTURE)):
                await conn.execute(
                    text(
                        "INSERT INTO duty_slots (id, day, shift, start_at, end_at, updated_at) "
                        "VALUES (:id, :day, '全天', :end, :end, :end)"
                    ),
                    {"id": slot_id, "day": date(end.year, 5, 1), "end": end},
                )
        await upgrade(engine)
        async with make_sessionmaker(engine)() as session:
            items = list(
                await session.scalars(select(DueItem).where(DueItem.kind == "duty-daily"))
            )
        assert [(i.key, i.payload, i.due_at, i.status) for i in items] == [
            ("duty:2:duty-daily:daily", {"slot_id": 2, "step": "daily"}, FUTURE, "pending")
        ]
    finally:
        await engine.dispose()

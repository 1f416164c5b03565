"""Migration 0015 on a database that already holds a 建议提案 contacted the old way: the one
contact becomes the first of its mode, so 见面率 and 沟通率 still count it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text

from bot.store.engine import make_engine, make_sessionmaker
from bot.store.migrate import upgrade
from models.proposals.records import Proposal

NOW = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


async def test_an_old_contact_becomes_the_first_of_its_mode(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        await upgrade(engine, "0003")
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO org_units (id, name, kind) VALUES (1, '县水利局', '部门')")
            )
            await conn.execute(
                text(
                    "INSERT INTO users (id, name, org_id, active, created_at) "
                    "VALUES (1, '陈静', 1, :yes, :now)"
                ),
                {"yes": True, "now": NOW},
            )
            for number, contacted, mode in (("1", date(2026, 9, 1), "电话"), ("2", None, "")):
                await conn.execute(
                    text(
                        "INSERT INTO proposals (kind, number, title, proposer, lead_org_id, "
                        "co_orgs, complex, assigned_on, contact_due, contacted_on, contact_mode, "
                        "reply_due, answer_code, rating, redo_count, status, created_by, "
                        "created_at) VALUES ('人大建议', :number, '河堤', '', 1, '[]', :no, "
                        ":assigned, :assigned, :contacted, :mode, :assigned, '', '未反馈', 0, "
                        "'办理中', 1, :now)"
                    ),
                    {
                        "number": number,
                        "no": False,
                        "assigned": date(2026, 8, 1),
                        "contacted": contacted,
                        "mode": mode,
                        "now": NOW,
                    },
                )
        await upgrade(engine)
        async with make_sessionmaker(engine)() as session:
            old, fresh = [await session.get(Proposal, i) for i in (1, 2)]
            assert old is not None and fresh is not None
            assert old.contacts == {"电话": "2026-09-01"}
            assert old.contacted_by(("电话",)) == date(2026, 9, 1)
            assert old.contacted_by(("面商",)) is None
            assert fresh.contacts == {} and old.followup_due is None
    finally:
        await engine.dispose()

"""Remembering deadlines that rest on estimated holidays, and computing them again once any
official source (override, notice, a newer chinese-calendar) knows the year."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.app import load_config
from bot.store.engine import make_engine, make_sessionmaker
from bot.store.migrate import upgrade
from models.deadlines import estimates
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import compute
from models.deadlines.settings import CalendarConfig, YearOverride

TZ = ZoneInfo("Asia/Shanghai")
RULE = load_config().rules["petition.forward"]  # 15 日, §203 move


async def test_an_override_for_the_year_resolves_and_moves_the_kept_deadline(db_url: str) -> None:
    engine = make_engine(db_url)
    start = datetime(2099, 1, 10, 10, tzinfo=TZ)
    estimated = WorkCalendar(CalendarConfig())
    found = compute(start, RULE, estimated, TZ)
    assert found.last_day == date(2099, 1, 26)  # Sunday 01-25 → Monday
    try:
        await upgrade(engine)
        async with make_sessionmaker(engine).begin() as session:
            kept = await estimates.note(
                session, start, estimated, TZ, feature="petition", item_id=7,
                field="forward_due", start=start, rule=RULE, found=found,
            )  # fmt: skip
            assert kept
            assert [r.moved for r in await estimates.recompute(session, estimated, TZ)] == [False]
            official = WorkCalendar(
                CalendarConfig(overrides={2099: YearOverride(holidays=(date(2099, 1, 26),))})
            )
            (done,) = await estimates.recompute(session, official, TZ)
            assert (done.moved, done.day, done.still_estimated) == (True, date(2099, 1, 27), False)
            # A later computation that no longer rests on an estimate forgets the row.
            again = compute(start, RULE, official, TZ)
            assert not await estimates.note(
                session, start, official, TZ, feature="petition", item_id=7,
                field="forward_due", start=start, rule=RULE, found=again,
            )  # fmt: skip
            assert await estimates.recompute(session, official, TZ) == []
    finally:
        await engine.dispose()


def test_the_note_names_only_estimated_years() -> None:
    cal = WorkCalendar(CalendarConfig(library_until=2026))
    assert estimates.estimate_note(cal, date(2026, 12, 1)) is None
    note = estimates.estimate_note(cal, date(2026, 12, 1), date(2027, 1, 4)) or ""
    assert "推定的 2027 年节假日" in note and "2026" not in note

"""Bulletin 期号: 第1期, 第2期 … per masthead, a new year back at 第1期, and two leaders
approving at the same moment in two sessions never sharing a number."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import App
from bot.core.clock import LocalTime
from models.directory.users import User
from models.duty import bulletin as duty_bulletin
from models.duty.bulletin import DutyBulletin

TZ = LocalTime("Asia/Shanghai")
NOW = datetime(2026, 12, 31, 15, 0, tzinfo=UTC)  # 23:00 local, the last hour of 2026
FIELDS = {"event": "河堤渗水", "occurred": "08:50", "reporter": "王五"}


async def _in_review(app: App, masthead: str, count: int) -> list[int]:
    async with app.sessions.begin() as session:
        ids = {u.name: u.id for u in await session.scalars(select(User))}
        made = []
        for _ in range(count):
            found = duty_bulletin.draft(NOW, masthead, FIELDS, ids["张三"])
            session.add(found)
            duty_bulletin.submit(NOW, found, ids["张三"], ids["李明"])
            made.append(found)
        await session.flush()
        return [b.id for b in made]


async def _issue(app: App, bulletin_id: int, now: datetime, hold: asyncio.Event | None) -> str:
    async with app.sessions.begin() as session:
        found = await session.get(DutyBulletin, bulletin_id)
        assert found is not None
        await duty_bulletin.issue(session, now, TZ, found)
        if hold is not None:  # keep the first approval's transaction open a moment
            hold.set()
            await asyncio.sleep(0.3)
        return f"{found.year}:{found.issue}"


async def test_numbers_run_per_masthead_and_restart_in_a_new_year(app: App) -> None:
    first, second, third = await _in_review(app, "值班信息", 3)
    (other,) = await _in_review(app, "要情快报", 1)
    assert await _issue(app, first, NOW, None) == "2026:第1期"
    assert await _issue(app, second, NOW, None) == "2026:第2期"
    assert await _issue(app, other, NOW, None) == "2026:第1期"  # its own series
    new_year = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # 2027-01-01 00:00 local
    assert await _issue(app, third, new_year, None) == "2027:第1期"


async def test_two_concurrent_approvals_get_distinct_numbers(app: App) -> None:
    one, two = await _in_review(app, "要情快报", 2)
    held = asyncio.Event()
    first = asyncio.create_task(_issue(app, one, NOW, held))
    await held.wait()  # the first approval holds its number, uncommitted
    results = await asyncio.gather(first, _issue(app, two, NOW, None))
    assert sorted(results) == ["2026:第1期", "2026:第2期"]
    async with app.sessions() as session:
        numbers = sorted(b.number or 0 for b in await session.scalars(select(DutyBulletin)))
    assert numbers == [1, 2]

"""Data for the dashboard's feature pages: 督办 items in each state of their cards, the demo
12345 tickets, and a sent broadcast — put in the way chat and the ticket API would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.cli.demo_tickets import seed_tickets
from bot.core.clock import LiveClock, LocalTime
from models.directory.users import OrgUnit, find_user
from models.supervision.plan import open_item
from tests.conftest import START
from tests.handlers.broadcast.test_broadcast import broadcast_config
from tests.support import RecordingAdapter
from tests.web_support import Site, web_site

# (title, unit, due in days from today, card as the pushes would have set it)
ITEMS = (
    ("清理河道淤积", "县水利局", -5, "红牌"),
    ("林区防火隔离带建设", "县林业局", -2, "红牌"),
    ("老旧小区雨污分流", "城关镇", 0, "橙牌"),
    ("山塘水库除险加固", "县水利局", 1, "黄牌"),
    ("乡村道路安保工程", "河口乡", 20, ""),
)


@dataclass(frozen=True, slots=True)
class Seeded:
    """What was put in: item ids by title, ticket numbers, the broadcast's id and code."""

    items: dict[str, int]
    tickets: list[str]


async def seed_items(site: Site) -> dict[str, int]:
    """The 督办 items of :data:`ITEMS`, 立项 and 交办 by 陈静 (督查室)."""
    ids = {}
    async with site.app.sessions.begin() as session:
        tz, now = LocalTime(site.app.config.timezone), site.clock.now()
        today = tz.local(now).date()
        by = await find_user(session, "陈静")
        for title, unit, days, card in ITEMS:
            org = await session.scalar(select(OrgUnit).where(OrgUnit.name == unit))
            assert org is not None
            item, _ = await open_item(
                session,
                now,
                site.app.config,
                tz.tz,
                source="常务会",
                title=title,
                content=f"{title}，按期反馈进展。",
                org=org,
                due_date=today + timedelta(days=days),
                created_by=by.id,
            )
            item.card = card  # as the 黄牌/橙牌/红牌 pushes set it (tested apart)
            item.escalation = "提醒" if card else ""
            ids[title] = item.id
    return ids


async def seed_all(site: Site) -> Seeded:
    """督办 items and the demo tickets."""
    items = await seed_items(site)
    async with site.app.sessions.begin() as session:
        tickets = await seed_tickets(session, site.clock.now(), site.app.config)
    return Seeded(items, tickets)


@pytest.fixture
async def county(sqlite_url: str, console: RecordingAdapter) -> AsyncIterator[Site]:
    """The running dashboard (a clock that runs, for the event stream) with 督办 items, the demo
    tickets, and 防汛 reaching the water and emergency bureaus."""
    config = broadcast_config(sqlite_url)["broadcast"]
    async with web_site(sqlite_url, LiveClock(START), console, broadcast=config) as running:
        await seed_all(running)
        yield running

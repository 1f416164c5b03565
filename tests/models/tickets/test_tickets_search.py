"""Keyword search on SQLite FTS5 and PostgreSQL tsvector: 2-character words, rare words, ticket
numbers, fragments inside words, exact multi-token words, and index upkeep on update."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import load_config
from bot.store.engine import make_engine, make_sessionmaker
from bot.store.migrate import upgrade
from models.directory.users import get_or_create_org
from models.tickets.records import Ticket
from models.tickets.search import index_tokens, scan, search, teach
from models.tickets.settings import TICKETS

T0 = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
TEXTS = [
    ("12345-20261101-000001", "城关镇人民路路灯不亮，晚上行人看不清", "城关镇人民路"),
    ("12345-20261101-000002", "小区噪音扰民，夜里施工不停", "河口乡幸福小区"),
    ("12345-20261101-000003", "河道发现堰塞湖险情，需要排查", "南山林场"),
    ("12345-20261101-000004", "井盖缺失，路灯也不亮", "城关镇解放路"),
    ("12345-20261101-000005", "咨询12345热线办理时限", ""),
    ("12345-20261101-000006", "灯不亮了好几天", "河口乡"),
]


@pytest.fixture
async def session(db_url: str) -> AsyncIterator[AsyncSession]:
    engine = make_engine(db_url)
    await upgrade(engine)
    teach(TICKETS.of(load_config()).dictionary)
    async with make_sessionmaker(engine).begin() as s:
        for i, (number, content, address) in enumerate(TEXTS):
            at = T0 + timedelta(hours=i)
            s.add(
                Ticket(
                    number=number,
                    category="投诉",
                    content=content,
                    address=address,
                    tokens=index_tokens(number, content, address),
                    received_at=at,
                    due_at=at,
                    co_orgs=[],
                    status="办理中",
                    created_at=at,
                    updated_at=at,
                )
            )
        await s.flush()
        yield s
    await engine.dispose()


async def numbers(session: AsyncSession, query: str) -> list[str]:
    ids = await search(session, query)
    found = {
        t.id: t.number[-1] for t in await session.scalars(select(Ticket).where(Ticket.id.in_(ids)))
    }
    return [found[i] for i in ids]


async def test_two_character_words_newest_first(session: AsyncSession) -> None:
    assert await numbers(session, "路灯") == ["4", "1"]
    assert await numbers(session, "噪音") == ["2"]
    assert await numbers(session, "不亮") == ["6", "4", "1"]


async def test_several_words_all_needed(session: AsyncSession) -> None:
    assert await numbers(session, "路灯 不亮") == ["4", "1"]
    assert await numbers(session, "城关镇，井盖") == ["4"]
    assert await numbers(session, "路灯不亮") == ["1"]  # one word: literal, not 路灯 … 不亮


async def test_rare_words_numbers_and_misses(session: AsyncSession) -> None:
    assert await numbers(session, "堰塞湖") == ["3"]
    assert await numbers(session, "12345-20261101-000005") == ["5"]
    assert await numbers(session, "000002") == ["2"]
    assert await numbers(session, "12345热线") == ["5"]
    assert await numbers(session, "溃坝") == []


async def test_fragments_inside_words_fall_back_to_substring(session: AsyncSession) -> None:
    assert await numbers(session, "山林") == ["3"]  # 南山林场 is 南山/林场
    assert await numbers(session, "扰") == ["2"]
    assert await scan(session, ["山林"]) == await search(session, "山林")


async def test_index_follows_updates(session: AsyncSession) -> None:
    ticket = await session.scalar(select(Ticket).where(Ticket.number.endswith("000002")))
    assert ticket is not None
    ticket.content = "积水严重，车辆无法通行"
    ticket.tokens = index_tokens(ticket.number, ticket.content, ticket.address)
    await session.flush()
    assert await numbers(session, "积水") == ["2"]
    assert await numbers(session, "噪音") == []


async def test_a_unit_finds_what_it_leads_or_helps_with_on_both_paths(
    session: AsyncSession,
) -> None:
    town = await get_or_create_org(session, "城关镇")
    water = await get_or_create_org(session, "县水利局")
    tickets = {t.number[-1]: t for t in await session.scalars(select(Ticket))}
    tickets["1"].lead_org = town
    tickets["4"].lead_org, tickets["4"].co_orgs = water, ["城关镇"]
    tickets["3"].lead_org = water
    await session.flush()

    async def found(query: str, unit: str) -> list[int]:
        return await search(session, query, unit=unit)

    ids = {t.id: n for n, t in tickets.items()}
    assert [ids[i] for i in await found("路灯", "城关镇")] == ["4", "1"]  # lead, and 协办
    assert [ids[i] for i in await found("路灯", "县水利局")] == ["4"]
    assert await found("路灯", "河口乡") == []
    assert [ids[i] for i in await found("山林", "县水利局")] == ["3"]  # the substring scan
    assert await found("山林", "城关镇") == []

"""The broadcast board on the dashboard: who has and has not acknowledged, an ack in chat
reaching an open board through the event stream, the evidence workbook as the CLI writes it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.core.clock import FakeClock, LiveClock
from bot.store.audit import AuditLog
from models.broadcast import records as bc
from tests.conftest import START
from tests.handlers.broadcast.test_broadcast import broadcast_config
from tests.support import RecordingAdapter
from tests.web_support import Site, web_site

TEXT = "今晚有强降雨，请各单位做好防汛准备"


async def send_broadcast(site: Site) -> str:
    """李明 sends a yellow 防汛 broadcast; returns its acknowledgement code."""
    await site.say("李明", f"应急广播 防汛 黄色 {TEXT}")
    await site.say("李明", "确认广播 1")
    async with site.app.sessions() as session:
        found = await session.scalar(select(bc.Broadcast))
    assert found is not None and found.status == bc.BroadcastStatus.ACTIVE.value
    return str(found.code)


@pytest.fixture
async def bsite(db_url: str, clock: FakeClock, console: RecordingAdapter) -> AsyncIterator[Site]:
    """The dashboard with 防汛 reaching the water and emergency bureaus and their group."""
    config = broadcast_config(db_url)["broadcast"]
    async with web_site(db_url, clock, console, broadcast=config) as running:
        yield running


@pytest.fixture
async def live_bsite(db_url: str, console: RecordingAdapter) -> AsyncIterator[Site]:
    """The same with a clock that runs: the event stream waits between reads for real."""
    clock, config = LiveClock(START), broadcast_config(db_url)["broadcast"]
    async with web_site(db_url, clock, console, broadcast=config) as running:
        yield running


async def test_the_board_lists_who_acknowledged_and_who_not(bsite: Site) -> None:
    site = bsite
    code = await send_broadcast(site)
    await site.say("孙伟", f"收到 {code}")
    async with site.client() as client:
        await site.sign_in(client, "张三")
        listing = await (await client.get("/web/broadcasts")).text()
        assert "#1" in listing and code in listing and "已发送" in listing
        page = await (await client.get("/web/broadcasts/1")).text()
        acked = re.search(r'<ul id="acked">(.*?)</ul>', page, re.S)
        waiting = re.search(r'<ul id="waiting">(.*?)</ul>', page, re.S)
        assert acked and waiting
        assert "孙伟（县水利局）" in acked.group(1) and "孙伟" not in waiting.group(1)
        assert "王刚（县应急管理局）" in waiting.group(1)
        assert 'data-sse="/web/broadcasts/1/live"' in page


async def test_a_liaison_may_not_open_the_board(bsite: Site) -> None:
    site = bsite
    await send_broadcast(site)
    async with site.client() as client:
        await site.sign_in(client, "孙伟")
        response = await client.get("/web/broadcasts/1")
        assert response.status == 403 and "仅限" in await response.text()


async def test_an_ack_in_chat_reaches_the_open_event_stream(live_bsite: Site) -> None:
    site = live_bsite
    code = await send_broadcast(site)
    async with site.client() as client:
        await site.sign_in(client, "张三")
        async with client.get("/web/broadcasts/1/live") as stream:
            assert stream.headers["Content-Type"].startswith("text/event-stream")
            first = await _next_event(stream)
            assert '已确认 <span id="acked-count">0</span>' in first
            await site.say("王刚", f"收到 {code}")
            second = await _next_event(stream)
            assert '已确认 <span id="acked-count">1</span>' in second
            assert "王刚（县应急管理局）" in second.split('<ul id="acked">')[1]


async def _next_event(stream: object) -> str:
    """The data of the next event (keep-alive comments skipped)."""
    lines: list[str] = []
    content = stream.content  # type: ignore[attr-defined]
    while True:
        raw = (await content.readline()).decode().rstrip("\n")
        if raw.startswith("data: "):
            lines.append(raw[6:])
        elif raw == "" and lines:
            return "\n".join(lines)


async def test_the_export_is_the_clis_workbook_and_audited(bsite: Site) -> None:
    site = bsite
    code = await send_broadcast(site)
    await site.say("孙伟", f"收到 {code}")
    async with site.client() as client:
        await site.sign_in(client, "李明")
        response = await client.get("/web/broadcasts/1/export.xlsx")
        assert response.status == 200
        assert "filename*=UTF-8''%E5%B9%BF%E6%92%AD1" in response.headers["Content-Disposition"]
        book = load_workbook(BytesIO(await response.read()))
    rows = [list(row) for row in book["送达与确认"].iter_rows(values_only=True)]
    assert rows[0][0] == "黄色应急广播 #1（防汛）" and rows[1][0] == "类型"
    sun = next(r for r in rows[2:] if r[1] == "孙伟")
    assert sun[8] and sun[10] == "孙伟"  # 确认时间, 确认人
    async with site.app.sessions() as session:
        audited = list(
            await session.scalars(
                select(AuditLog).where(
                    AuditLog.command == "/web/broadcasts/{broadcast_id}/export.xlsx"
                )
            )
        )
    assert len(audited) == 1 and (audited[0].detail or {})["broadcast"] == 1

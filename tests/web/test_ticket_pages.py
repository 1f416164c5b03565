"""12345 on the dashboard: search as chat searches, a liaison's unit only, callers masked, the
KPI page showing the figures chat's 工单 统计 shows, and its chart."""

from __future__ import annotations

import re

from bot.cli.demo_tickets import seed_tickets
from tests.web_support import Site


async def _tickets(site: Site) -> None:
    async with site.app.sessions.begin() as session:
        await seed_tickets(session, site.clock.now(), site.app.config)


async def test_search_finds_what_chat_finds_with_callers_masked(site: Site) -> None:
    await _tickets(site)
    chat = await site.say("张三", "工单 搜索 路灯 不亮")
    in_chat = set(re.findall(r"12345-\d{8}-\d{6}", chat))
    assert len(in_chat) == 2
    async with site.client() as client:
        await site.sign_in(client, "张三")
        page = await (await client.get("/web/tickets", params={"q": "路灯 不亮"})).text()
        assert set(re.findall(r"12345-\d{8}-\d{6}", page)) == in_chat
        assert "王** 139****5678" in page and "13912345678" not in page
        newest = await (await client.get("/web/tickets")).text()
        assert "最新工单" in newest and len(re.findall(r"<tr><td>12345-", newest)) == 20
        none = await (await client.get("/web/tickets", params={"q": "火星"})).text()
        assert "没有找到含「火星」的工单" in none


async def test_a_liaison_lists_and_finds_own_units_tickets_only(site: Site) -> None:
    await _tickets(site)
    async with site.client() as client:
        await site.sign_in(client, "孙伟")  # 县水利局
        page = await (await client.get("/web/tickets")).text()
        rows = re.findall(r"<tr><td>12345-[\d-]+</td><td>[^<]*</td><td>([^<]*)</td>", page)
        assert rows == ["县水利局"] * 5
        found = await client.get("/web/tickets", params={"q": "路灯"})
        assert found.status == 403  # as chat: the words are in other units' tickets
        assert "含「路灯」的工单都不属于县水利局" in await found.text()
        none = await (await client.get("/web/tickets", params={"q": "火星"})).text()
        assert "没有找到含「火星」的工单" in none
        response = await client.get("/web/tickets/kpi")
        assert response.status == 403  # 工单 统计 is for staff, as in chat


async def test_the_kpi_page_shows_chats_figures_and_a_chart(site: Site) -> None:
    await _tickets(site)
    chat = await site.say("李明", "工单 统计 2026-10-20 2026-11-26")
    async with site.client() as client:
        await site.sign_in(client, "李明")
        page = await (
            await client.get("/web/tickets/kpi", params={"from": "2026-10-20", "to": "2026-11-26"})
        ).text()
        lines = chat.splitlines()[1:-1]
        assert len(lines) == 7, chat  # seven units had tickets dispatched
        for line in lines:  # 【县水利局】5 张｜按时签收 …｜…
            unit, rest = re.match(r"【(.+?)】(\d+) 张｜(.*)", line).group(1, 3)  # type: ignore[union-attr]
            row = re.search(rf"<tr><td>{unit}</td>.*?</tr>", page)
            assert row, unit
            for figure in re.findall(r" (\S+（\d+/\d+）|—（无可统计件）)", rest):
                assert figure in row.group(0), (unit, figure)
        chart = await client.get(
            "/web/tickets/kpi.png", params={"from": "2026-10-20", "to": "2026-11-26"}
        )
        assert chart.status == 200 and (await chart.read()).startswith(b"\x89PNG")
        bad = await client.get("/web/tickets/kpi", params={"from": "11月1日"})
        assert bad.status == 400 and "2026-11-01 这样的格式" in await bad.text()

"""查岗 on the dashboard: the month's response figures per officer and per unit, as chat's
查岗 统计 / 查岗通报 give them, with their charts; readers as in chat."""

from __future__ import annotations

from tests.web_support import Site


async def test_the_officers_figures_match_chat_and_draw(site: Site) -> None:
    await site.say("李明", "查岗")
    site.clock.advance(minutes=2, seconds=5)
    assert "用时 2 分 5 秒" in await site.say("张三", "到")
    chat = await site.say("李明", "查岗 统计")
    assert "张三：查岗 1 次，应答 1，按时 1，平均 2分5秒" in chat
    async with site.client() as client:
        await site.sign_in(client, "李明")
        page = await (await client.get("/web/rollcall")).text()
        row = "<tr><td>张三</td><td>1</td><td>1</td><td>1</td><td>0</td><td>2 分 5 秒</td></tr>"
        assert row in page
        chart = await client.get("/web/rollcall/chart.png?month=2026-11")
        assert chart.status == 200 and (await chart.read()).startswith(b"\x89PNG")
        earlier = await (await client.get("/web/rollcall?month=2026-10")).text()
        assert "2026-10 没有查岗记录" in earlier
        bad = await client.get("/web/rollcall?month=十一月")
        assert bad.status == 400 and "年月应写作 2026-11" in await bad.text()
        units = await (await client.get("/web/duty/units")).text()
        assert 'src="/web/rollcall/units.png?month=2026-11"' in units
        chart = await client.get("/web/rollcall/units.png?month=2026-11")
        assert chart.status == 200 and (await chart.read()).startswith(b"\x89PNG")


async def test_readers_as_in_chat(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "张三")  # an officer reads 查岗通报, not 查岗 统计
        assert (await client.get("/web/rollcall/units.png")).status == 200
        assert (await client.get("/web/rollcall")).status == 403
        assert (await client.get("/web/rollcall/chart.png")).status == 403

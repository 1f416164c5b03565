"""督办 on the dashboard: the ledger's cards and filters, an item's file, scopes by URL, the
督查通报's chart and workbook (the same bytes chat and the CLI make), audited."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from bot.store.audit import AuditLog
from tests.web.dashboard_data import seed_items
from tests.web_support import Site


async def _audit(site: Site, command: str) -> list[AuditLog]:
    async with site.app.sessions() as session:
        rows = await session.scalars(select(AuditLog).where(AuditLog.command == command))
        return list(rows)


async def test_the_ledger_shows_cards_and_filters_overdue(site: Site) -> None:
    ids = await seed_items(site)
    async with site.client() as client:
        await site.sign_in(client, "陈静")
        page = await (await client.get("/web/supervision")).text()
        for title in ("清理河道淤积", "老旧小区雨污分流", "山塘水库除险加固", "乡村道路安保工程"):
            assert title in page
        assert 'class="card item red"' in page and 'class="card item yellow"' in page
        assert "已超期 5 天" in page
        overdue = await (await client.get("/web/supervision?due=overdue")).text()
        assert "清理河道淤积" in overdue and "林区防火隔离带建设" in overdue
        assert "老旧小区雨污分流" not in overdue and "乡村道路安保工程" not in overdue
        soon = await (await client.get("/web/supervision?due=due-soon")).text()
        assert "山塘水库除险加固" in soon and "乡村道路安保工程" not in soon
        water = await (await client.get("/web/supervision?unit=县水利局&due=overdue")).text()
        assert "清理河道淤积" in water and "林区防火隔离带建设" not in water
        closed = await (await client.get("/web/supervision?status=已办结")).text()
        assert "没有符合条件的督办事项" in closed
        item = await (await client.get(f"/web/supervision/{ids['清理河道淤积']}")).text()
        assert "立项" in item and "交办" in item and "陈静" in item and "已超期" in item


async def test_bad_filters_are_explained_in_chinese(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "陈静")
        response = await client.get("/web/supervision?due=later")
        assert response.status == 400
        assert "可选：overdue（超期）" in await response.text()
        response = await client.get("/web/supervision?status=完成")
        assert response.status == 400 and "没有「完成」这个办理状态" in await response.text()
        response = await client.get("/web/reports?period=year")
        assert response.status == 400 and "month（上月）" in await response.text()
        response = await client.get("/web/supervision/999")
        assert response.status == 404 and "没有编号为 999 的督办事项" in await response.text()


async def test_a_liaison_sees_own_unit_only_and_not_another_units_item_by_url(
    site: Site,
) -> None:
    ids = await seed_items(site)
    async with site.client() as client:
        await site.sign_in(client, "孙伟")  # 县水利局
        page = await (await client.get("/web/supervision")).text()
        assert "清理河道淤积" in page and "林区防火隔离带建设" not in page
        assert "全部单位" not in page
        response = await client.get("/web/supervision?unit=县林业局")
        assert response.status == 403
        assert "您只能查看本单位的督办事项" in await response.text()
        response = await client.get(f"/web/supervision/{ids['林区防火隔离带建设']}")
        assert response.status == 403
        assert "属于县林业局，不在您的查看范围（县水利局）内" in await response.text()
        own = await client.get(f"/web/supervision/{ids['清理河道淤积']}")
        assert own.status == 200
    refused = await _audit(site, "/web/supervision/{item_id}")
    assert [r.outcome for r in refused] == ["out_of_scope", "ok"]


async def test_the_report_page_chart_and_workbook(site: Site) -> None:
    await seed_items(site)
    async with site.client() as client:
        await site.sign_in(client, "孙伟")
        response = await client.get("/web/reports")
        assert response.status == 403  # a liaison does not read the 通报, as in chat
        await client.post("/web/logout", data={})
    async with site.client() as client:
        await site.sign_in(client, "李明")
        page = await (await client.get("/web/reports?period=month")).text()
        assert "督查通报" in page and "县水利局" in page
        chart = await client.get("/web/reports/chart.png?period=month")
        assert chart.content_type == "image/png"
        assert (await chart.read()).startswith(b"\x89PNG")
        book = await client.get("/web/reports/report.xlsx?period=month")
        assert "attachment" in book.headers["Content-Disposition"]
        sheets = load_workbook(BytesIO(await book.read())).sheetnames
        assert sheets and book.headers["Cache-Control"] == "no-store"
    exported = await _audit(site, "/web/reports/report.xlsx")
    assert len(exported) == 1 and exported[0].actor == "李明"
    assert (exported[0].detail or {})["format"] == "xlsx"

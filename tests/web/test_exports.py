"""The dashboard's export buttons send the workbooks the CLI writes (the same rows, from the
same functions), to the roles that may read them, each download audited."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from bot.core.clock import LocalTime
from bot.store import audit_export
from bot.store.audit import AuditLog
from models.duty import file_import
from models.duty import records as duty
from tests.web_support import Site


def _sheet(body: bytes, name: str) -> list[list[object]]:
    book = load_workbook(BytesIO(body))
    return [
        ["" if c is None else c for c in row] for row in book[name].iter_rows(values_only=True)
    ]


async def _audited(site: Site, command: str) -> list[AuditLog]:
    async with site.app.sessions() as session:
        return list(await session.scalars(select(AuditLog).where(AuditLog.command == command)))


async def test_the_roster_export_is_the_clis_rows(site: Site) -> None:
    async with site.app.sessions() as session:
        slots = await duty.slots_between(session, date(2026, 11, 1), date(2026, 11, 30))
        expected = file_import.to_rows(slots)
    assert len(expected) > 5
    async with site.client() as client:
        await site.sign_in(client, "李明")
        page = await (await client.get("/web/duty/roster?month=2026-11")).text()
        assert 'href="/web/duty/roster.xlsx?month=2026-11"' in page
        response = await client.get("/web/duty/roster.xlsx?month=2026-11")
        assert response.status == 200
        assert _sheet(await response.read(), file_import.SHEET) == expected
    (row,) = await _audited(site, "/web/duty/roster.xlsx")
    assert row.actor == "李明" and (row.detail or {})["slots"] == len(expected) - 1


async def test_a_liaison_neither_sees_nor_gets_the_roster_export(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "孙伟")
        page = await (await client.get("/web/duty/roster")).text()
        assert "roster.xlsx" not in page
        assert (await client.get("/web/duty/roster.xlsx")).status == 403


async def test_the_audit_export_is_the_clis_rows_for_admins_only(site: Site) -> None:
    async with site.client() as client:
        await site.sign_in(client, "张三")
        assert (await client.get("/web/audit/export.xlsx")).status == 403
    async with site.client() as client:
        await site.sign_in(client, "刘洋")
        page = await (await client.get("/web/audit")).text()
        assert 'action="/web/audit/export.xlsx"' in page
        params = {"from": "2026-11-26", "to": "2026-11-26"}
        async with site.app.sessions() as session:
            tz = LocalTime(site.app.config.timezone)
            expected = await audit_export.table(
                session, tz, date(2026, 11, 26), date(2026, 11, 26)
            )
        response = await client.get("/web/audit/export.xlsx", params=params)
        assert response.status == 200
        got = _sheet(await response.read(), audit_export.SHEET)
        assert got[0] == list(audit_export.COLUMNS) and len(got) > 3
        assert got == [list(row) for row in expected]
        bad = await client.get("/web/audit/export.xlsx", params={"from": "昨天"})
        assert bad.status == 400 and "2026-11-01 这样的格式" in await bad.text()
    rows = await _audited(site, "/web/audit/export.xlsx")
    assert [r.outcome for r in rows] == ["denied", "ok", "rejected"]
    assert (rows[1].detail or {})["rows"] == len(expected) - 1

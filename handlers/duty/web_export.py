"""The roster as the workbook ``dutybot roster export`` writes (the button on 排班日历): one
month, the same rows (models/duty/file_import.py ``to_rows``), duty phones included."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from aiohttp import web

from bot.core import exports
from bot.web.pages import PageContext, WebPages
from handlers.duty.web import PHONES_FOR
from handlers.duty.web_roster import parse_month
from models.duty import file_import
from models.duty import records as duty

pages = WebPages("duty-export")


@pages.page("/web/duty/roster.xlsx", "导出排班表", roles=PHONES_FOR, nav=False, personal=True)
async def roster_workbook(ctx: PageContext) -> web.Response:
    """``?month=2026-11``: the month's slots as the CLI exports them (phones: the readers who
    see them in full on 今日值班; audited as an export)."""
    first = parse_month(ctx.arg("month"), ctx.today)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    rows = file_import.to_rows(await duty.slots_between(ctx.session, first, last))
    ctx.audit_detail.update(month=f"{first:%Y-%m}", slots=len(rows) - 1)
    drawn = partial(exports.workbook, [(file_import.SHEET, rows)])
    return ctx.download(f"{file_import.SHEET}_{first:%Y-%m}.xlsx", drawn)

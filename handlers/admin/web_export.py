"""The audit log as the workbook ``dutybot audit export`` writes (the button on 审计日志):
the rows of the chosen days, from bot/store/audit_export.py (admins; the export itself audited)."""

from __future__ import annotations

from datetime import date
from functools import partial

from aiohttp import web

from bot.core import exports
from bot.core.errors import UserError
from bot.store import audit_export
from bot.web.pages import PageContext, WebPages
from handlers.admin.web import ADMINS

pages = WebPages("admin-export")


def _day(ctx: PageContext, name: str, default: date) -> date:
    text = ctx.arg(name)
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        raise UserError(f"日期「{text}」有误，请写成 2026-11-01 这样的格式。") from None


@pages.page("/web/audit/export.xlsx", "导出审计日志", roles=ADMINS, nav=False, personal=True)
async def audit_workbook(ctx: PageContext) -> web.Response:
    """``?from=2026-11-01&to=2026-11-30`` (default: this month to today)."""
    first = _day(ctx, "from", ctx.today.replace(day=1))
    last = _day(ctx, "to", ctx.today)
    if last < first:
        raise UserError("截止日期早于起始日期，请重新选择。")
    rows = await audit_export.table(ctx.session, ctx.tz, first, last)
    ctx.audit_detail.update({"from": str(first), "to": str(last), "rows": len(rows) - 1})
    drawn = partial(exports.workbook, [(audit_export.SHEET, rows)])
    return ctx.download(audit_export.file_name(first, last), drawn)

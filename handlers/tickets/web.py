"""12345 on the web dashboard: the ticket list with the same full-text search as chat's
``工单 搜索``, and the KPIs per unit of ``工单 统计`` as a table and a chart."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

from aiohttp import web
from sqlalchemy import select

from bot.core.errors import UserError
from bot.web.pages import PageContext, Rendered, WebPages
from handlers.tickets.commands import LIST_LIMIT, VIEWERS, scoped_search
from handlers.tickets.stats import STAFF
from models.reports.bar_table import BarTable, Cell
from models.tickets import SCOPE as TICKETS_SCOPE
from models.tickets.kpi import RATES, UnitKpi, period_kpis, total
from models.tickets.records import Ticket
from models.tickets.search import newest, split_query
from models.tickets.settings import TICKETS

pages = WebPages("tickets", Path(__file__).with_name("templates"))


@pages.page("/web/tickets", "12345 工单", roles=VIEWERS, personal=True)
async def ticket_list(ctx: PageContext) -> Rendered:
    """The newest tickets, or those holding every word of ``q``; a liaison sees the tickets
    their unit leads or helps with; callers masked unless the reader's role sees them."""
    words = ctx.arg("q")
    unit = TICKETS_SCOPE.units(ctx.user)
    if words and split_query(words):
        ids = await scoped_search(ctx.session, ctx.config, words, unit)
        ctx.audit_detail["search"] = words
    else:
        ids = await newest(ctx.session, limit=LIST_LIMIT, unit=unit)
    found = await ctx.session.scalars(select(Ticket).where(Ticket.id.in_(ids)))
    by_id = {t.id: t for t in found}
    tickets = [by_id[i] for i in ids]
    unmasked = ctx.unmasked(TICKETS.of(ctx.config).unmasked_roles)
    return ctx.render(
        "tickets/list.html",
        q=words,
        unit=unit or "",
        limit=LIST_LIMIT,
        tickets=[
            {
                "number": t.number,
                "status": t.status,
                "unit": t.unit,
                "received": t.received_at,
                "deadline": t.deadline,
                "content": t.shown(t.content, unmasked)[:80],
                "caller": t.caller(unmasked),
            }
            for t in tickets
        ],
    )


def _period(ctx: PageContext) -> tuple[date, date]:
    """``from``/``to`` (default: this month to today), as chat's 工单 统计."""
    try:
        first = date.fromisoformat(ctx.arg("from")) if ctx.arg("from") else None
        last = date.fromisoformat(ctx.arg("to")) if ctx.arg("to") else None
    except ValueError:
        raise UserError("日期请写成 2026-11-01 这样的格式。") from None
    first, last = first or ctx.today.replace(day=1), last or ctx.today
    if last < first:
        raise UserError("结束日期早于起始日期，请重新选择。")
    return first, last


@pages.page("/web/tickets/kpi", "12345 考核", roles=STAFF)
async def kpi_page(ctx: PageContext) -> Rendered:
    """按时签收率, 按时办结率, 满意率, 解决率 per unit: the figures of chat's 工单 统计."""
    first, last = _period(ctx)
    found = await period_kpis(ctx.session, ctx.config, ctx.tz.tz, first, last, ctx.now)
    return ctx.render(
        "tickets/kpi.html",
        first=first,
        last=last,
        units=[*found, total(found)] if found else [],
        rates=RATES,
    )


def kpi_chart(units: list[UnitKpi], first: date, last: date) -> BarTable:
    """The KPI lines as bars, one column per rate."""
    return BarTable(
        title="12345 工单考核",
        note=f"{first} 至 {last} 受理 · 口径见 docs/tickets.md",
        columns=list(RATES.values()),
        rows=[
            (u.unit, [Cell(u.rate(k).value, _short(u, k)) for k in RATES])
            for u in ([*units, total(units)] if units else [])
        ],
        empty="此期间没有已派单的工单",
    )


def _short(unit: UnitKpi, key: str) -> str:
    rate = unit.rate(key)
    return "—" if rate.value is None else f"{rate.value:.1%} ({rate.numerator}/{rate.denominator})"


@pages.page("/web/tickets/kpi.png", "12345 考核图表", roles=STAFF, nav=False)
async def kpi_png(ctx: PageContext) -> web.StreamResponse:
    """The chart of the KPI page, drawn after the transaction that read the figures."""
    first, last = _period(ctx)
    found = await period_kpis(ctx.session, ctx.config, ctx.tz.tz, first, last, ctx.now)
    from models.reports.bars import render_bars  # matplotlib: only when a chart is drawn

    drawn = partial(render_bars, kpi_chart(found, first, last))
    return ctx.download(f"12345考核_{first}_{last}.png", drawn, "image/png", inline=True)

"""查岗 response times on the web dashboard: per officer (``查岗 统计``) as a page with its chart,
and per unit (``查岗通报``) as the chart on 单位查岗 (handlers/duty/web_units.py) — the same
figures as chat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from pathlib import Path

from aiohttp import web

from bot.core.args import parse_month
from bot.core.roles import Role
from bot.web.pages import PageContext, Rendered, WebPages
from handlers.duty.cards import took
from handlers.duty.web_units import READERS as UNITS_READERS
from handlers.duty.web_units import SCOPE as UNITS_SCOPE
from models.duty import rollcall, unitcheck
from models.duty.rollcall import MonthLine
from models.duty.settings import DUTY
from models.duty.unitcheck import UnitMonth
from models.reports.bar_table import BarTable, Cell

# Templates beside 今日值班's (handlers/duty/templates), under a prefix of their own.
pages = WebPages("rollcall", Path(__file__).with_name("templates"))
OFFICERS_READERS = (Role.LEADER, Role.ADMIN)  # as 查岗 统计
Line = MonthLine | UnitMonth


def _name(line: Line) -> str:
    return line.name if isinstance(line, MonthLine) else line.unit


def chart(title: str, first: date, lines: Sequence[Line], minutes: int) -> BarTable:
    """按时应答 share and average response (red past the limit), one line each."""
    rows = []
    for x in lines:
        rate = x.on_time / x.asked if x.asked else None
        avg = x.average_seconds
        rows.append(
            (
                _name(x),
                [
                    Cell(rate, f"{x.on_time}/{x.asked}"),
                    Cell(
                        None if avg is None else avg / (minutes * 60),
                        "未应答" if avg is None else took(avg),
                        warn=avg is not None and avg > minutes * 60,
                    ),
                ],
            )
        )
    return BarTable(
        title=f"{first:%Y年%m月} {title}",
        note=f"按时 = {minutes} 分钟内应答；平均用时的满格为 {minutes} 分钟",
        columns=["按时应答（次）", "平均用时"],
        rows=rows,
        empty="本月没有查岗记录",
    )


async def _officers(ctx: PageContext) -> tuple[date, list[MonthLine], int]:
    first = parse_month(ctx.arg("month") or None, ctx.today)
    minutes = DUTY.of(ctx.config).rollcall.answer_minutes
    return first, await rollcall.month_stats(ctx.session, ctx.tz, first, minutes), minutes


async def _units(ctx: PageContext) -> tuple[date, list[UnitMonth], int]:
    """Every unit's month, or a liaison's own unit's only (as 单位查岗 shows them)."""
    first = parse_month(ctx.arg("month") or None, ctx.today)
    minutes = DUTY.of(ctx.config).rollcall.unit_answer_minutes
    own = UNITS_SCOPE.listing(ctx.user, None)
    lines = await unitcheck.month_stats(ctx.session, ctx.tz, first, minutes)
    return first, [x for x in lines if own is None or x.unit == own], minutes


def _page(ctx: PageContext, first: date, lines: Sequence[MonthLine], minutes: int) -> Rendered:
    return ctx.render(
        "rollcall/stats.html",
        month=f"{first:%Y-%m}",
        lines=[
            {
                "name": _name(x),
                "asked": x.asked,
                "answered": x.answered,
                "on_time": x.on_time,
                "missed": x.asked - x.answered,
                "average": "—" if x.average_seconds is None else took(x.average_seconds),
            }
            for x in lines
        ],
        minutes=minutes,
    )


def _png(
    ctx: PageContext, title: str, first: date, lines: Sequence[Line], minutes: int
) -> web.Response:
    from models.reports.bars import render_bars  # matplotlib: only when a chart is drawn

    drawn = partial(render_bars, chart(title, first, lines, minutes))
    return ctx.download(f"{title}_{first:%Y-%m}.png", drawn, "image/png", inline=True)


@pages.page("/web/rollcall", "查岗统计", roles=OFFICERS_READERS, personal=True)
async def officers_page(ctx: PageContext) -> Rendered:
    """Per officer on duty: asked, answered, in time, average response."""
    return _page(ctx, *await _officers(ctx))


@pages.page("/web/rollcall/chart.png", "查岗统计图表", roles=OFFICERS_READERS, nav=False)
async def officers_chart(ctx: PageContext) -> web.StreamResponse:
    """The officers' chart."""
    return _png(ctx, "值班员查岗统计", *await _officers(ctx))


@pages.page("/web/rollcall/units.png", "县级查岗图表", roles=UNITS_READERS, nav=False)
async def units_chart(ctx: PageContext) -> web.StreamResponse:
    """The units' chart shown on 单位查岗 (a liaison's: their own unit's line)."""
    return _png(ctx, "县级查岗通报", *await _units(ctx))

"""12345 figures in chat: KPIs per unit (工单 统计) and the 典型案例 list for publication."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from sqlalchemy import select

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.roles import Role
from bot.core.routing import Router
from models.tickets import SCOPE as TICKETS_SCOPE
from models.tickets.kpi import period_kpis
from models.tickets.records import Ticket

router = Router("tickets-stats", TICKETS_SCOPE)
STAFF = (Role.OFFICER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN)


@router.command(
    "ticket stats",
    aliases=("工单 统计",),
    roles=STAFF,
    help="12345 考核指标：工单 统计 [起始日期] [结束日期]（默认本月）",
)
async def ticket_stats(
    ctx: HandlerContext,
    *,
    first: Annotated[date | None, Arg("起始日期")] = None,
    last: Annotated[date | None, Arg("结束日期")] = None,
) -> str:
    """按时签收率, 按时办结率, 满意率, 解决率 per unit for tickets received in the period."""
    first = first or ctx.today.replace(day=1)
    last = last or ctx.today
    if last < first:
        raise UserError("结束日期早于起始日期，例如：工单 统计 2026-11-01 2026-11-30")
    found = await period_kpis(ctx.session, ctx.config, ctx.tz.tz, first, last, ctx.now)
    head = f"📊 12345 工单考核（{first} 至 {last} 受理）"
    if not found:
        return f"{head}\n此期间没有已派单的工单。"
    lines = [head, *(k.line() for k in found)]
    lines.append("口径见 docs/tickets.md（满意率不含未联系上；并单只计主工单）")
    return "\n".join(lines)


@router.command(
    "cases", aliases=("典型案例",), roles=STAFF, help="典型案例：已标记的工单（已脱敏，可公示）"
)
async def cases(ctx: HandlerContext) -> str:
    """Flagged typical cases, newest first, with callers' names and numbers masked."""
    rows = list(
        await ctx.session.scalars(
            select(Ticket).where(Ticket.typical.is_(True)).order_by(Ticket.id.desc()).limit(20)
        )
    )
    if not rows:
        return "还没有标记典型案例。标记：工单 典型 编号"
    lines = ["📌 典型案例（已脱敏）："]
    for t in rows:
        lines.append(f"· {t.number}（{t.category}，{t.unit}）{t.shown(t.content)[:60]}")
        if t.reply:
            lines.append(f"  办理：{t.shown(t.reply)[:60]}")
    return "\n".join(lines)

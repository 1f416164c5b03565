"""Deadlines in chat: 工作日 加 5 2023-09-27 → 2023-10-10, 期限 <规则> [日期], 规则表, and the
admins' 导入节假日 <国务院办公厅通知全文>."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from bot.config.rules import DOMAINS
from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.roles import ANY_BOUND, Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from models.deadlines import imported
from models.deadlines.calendar import WorkCalendar
from models.deadlines.clocks import at_hour
from models.deadlines.compute import compute, describe, workday_answer
from models.deadlines.settings import CALENDAR

router = Router("deadlines", UNSCOPED)


@router.command(
    "workday add",
    aliases=("工作日 加", "工作日"),
    roles=ANY_BOUND,
    help="计算某日之后第 N 个工作日（含调休），例如：工作日 加 5 2023-09-27",
)
async def workday_add(
    ctx: HandlerContext,
    *,
    count: Annotated[int, Arg("工作日数", low=0, high=2500)],
    start: Annotated[date | None, Arg("起始日期")] = None,
) -> str:
    """Answer with the day, the holidays and 调休 in between, and any calendar warning."""
    return "\n".join(
        workday_answer(WorkCalendar(CALENDAR.of(ctx.config)), start or ctx.today, count)
    )


@router.command(
    "deadline",
    aliases=("期限", "期限 计算"),
    roles=ANY_BOUND,
    help="按规则表计算期限：期限 petition.conclude 2026-11-26（规则编号见：规则表）",
)
async def deadline(
    ctx: HandlerContext,
    *,
    rule_id: Annotated[str, Arg("规则编号")],
    start: Annotated[date | None, Arg("起算日期")] = None,
) -> str:
    """When a rule's limit expires for a start on ``start`` (today by default)."""
    known = dict(ctx.config.rules.items())
    if rule_id not in known:
        close = [k for k in known if rule_id.lower() in k.lower() or rule_id in known[k].name]
        hint = "、".join(close[:8]) if close else "发送「规则表」查看全部编号"
        raise UserError(f"没有规则「{rule_id}」。可能是：{hint}")
    rule, day = known[rule_id], start or ctx.today
    moment = ctx.now if day == ctx.today else at_hour(day, 12, ctx.tz.tz)
    found = compute(moment, rule, WorkCalendar(CALENDAR.of(ctx.config)), ctx.tz.tz)
    lines = [
        f"{rule.name}（{rule.limit}）",
        f"自 {day.isoformat()} 起：{describe(found, ctx.tz)}",
        f"依据：{rule.basis}",
    ]
    return "\n".join(lines + [f"⚠️ {w}" for w in found.warnings])


@router.command(
    "rules",
    aliases=("规则表", "时限规则"),
    roles=ANY_BOUND,
    help="查看时限规则表：规则表 [信访|建议提案|12345|督办|信息报送|公车|会务|公文]",
)
async def rules(ctx: HandlerContext, *, domain: Annotated[str | None, Arg("类别")] = None) -> str:
    """The rule table in force, one line per rule."""
    if domain is not None and domain not in DOMAINS:
        raise UserError(f"类别应为：{'、'.join(DOMAINS)}")
    lines = [
        f"{rule_id} {rule.name}：{rule.limit}"
        for rule_id, rule in ctx.config.rules.items()
        if domain is None or rule.domain == domain
    ]
    return "时限规则表（依据：dutybot rules 或 期限 规则编号）：\n" + "\n".join(lines)


@router.command(
    "calendar import",
    aliases=("导入节假日", "节假日 导入"),
    roles=[Role.ADMIN],
    help="导入国务院办公厅节假日安排通知（粘贴全文）：导入节假日 <通知全文>",
)
async def calendar_import(
    ctx: HandlerContext, *, text: Annotated[str, Arg("通知全文", rest=True)]
) -> str:
    """Store a year's 放假 and 上班 days from the notice; they replace any estimate."""
    notice = await imported.import_text(ctx.session, text, ctx.now, ctx.me.name)
    ctx.audit_detail.update(year=notice.year, off=len(notice.off), work=len(notice.work))
    return imported.summary(notice)

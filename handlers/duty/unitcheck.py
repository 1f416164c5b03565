"""县级查岗 in chat: /unitcheck by the county duty room, a unit's 「在岗」, units' 值班电话,
and the monthly 查岗通报 with its Word file."""

from __future__ import annotations

import re
from typing import Annotated

from bot.core.args import Arg, parse_month
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import ChatKind, Reply
from bot.core.roles import Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from bot.store.outbox import Priority
from handlers.duty import cards
from models.directory.units import find_org
from models.duty import notify as duty_notify
from models.duty import unitcheck
from models.duty.settings import DUTY

router = Router("duty-unitcheck", UNSCOPED)
_SPLIT = re.compile(r"[\s、，,；;]+")


@router.command(
    "unitcheck",
    aliases=("县级查岗", "乡镇查岗", "部门查岗"),
    roles=[Role.OFFICER, Role.LEADER, Role.ADMIN],
    help="查岗乡镇和部门值班：县级查岗 [单位…]（不写单位则全部）",
)
async def unitcheck_cmd(
    ctx: HandlerContext, *, units: Annotated[str | None, Arg("单位", rest=True)] = None
) -> str:
    """Ask the named units (or every unit of the configured kinds but one's own) to answer."""
    cfg = DUTY.of(ctx.config).rollcall
    names = [n for n in _SPLIT.split(units or "") if n]
    orgs = await unitcheck.targets(ctx.session, names, cfg.unit_kinds)
    if not names:
        orgs = [org for org in orgs if org.name != ctx.me.org]  # the county room checks others
    if not orgs:
        raise UserError("没有可查岗的单位；请写出单位名称，例如：县级查岗 城关镇")
    rungs = DUTY.of(ctx.config).escalation.unitcheck
    checks = await unitcheck.call(ctx.session, ctx.now, cfg, orgs, ctx.me.id, rungs=rungs)
    for check in checks:
        await duty_notify.tell(
            ctx.session,
            ctx.now,
            check.asked_ids,
            cards.unit_question(check, cfg.unit_answer_minutes, ctx.tz),
            key=f"{unitcheck.prefix(check.id)}ask",
            priority=Priority.EMERGENCY,
        )
    ctx.audit_detail["unitchecks"] = [c.id for c in checks]
    return cards.unit_asked(checks, cfg.unit_answer_minutes)


@router.command("unit here", aliases=("在岗",), roles=[Role.LIAISON], help="应答县级查岗")
async def here(
    ctx: HandlerContext, *, check_id: Annotated[int | None, Arg("编号")] = None
) -> str | None:
    """Record the unit's answer; the caller hears how fast it came."""
    org = await find_org(ctx.session, ctx.me.org)
    check = await unitcheck.answer(ctx.session, ctx.me.id, org.id, ctx.now, check_id)
    if check is None:
        if ctx.msg.chat_kind is ChatKind.GROUP:
            return None  # 「在岗」 said in a group without an open check is just chat
        raise UserError(f"{ctx.me.org} 当前没有待应答的县级查岗。")
    ctx.audit_detail.update(unitcheck=check.id, seconds=check.seconds)
    if check.by_user_id is not None:
        await duty_notify.tell(
            ctx.session,
            ctx.now,
            [check.by_user_id],
            cards.unit_answered(check, ctx.me.name),
            key=f"{unitcheck.prefix(check.id)}answered",
        )
    late = (check.seconds or 0) > DUTY.of(ctx.config).rollcall.unit_answer_minutes * 60
    return f"已应答县级查岗（{check.org.name}）{'，已超时' if late else ''}。"


@router.command(
    "unit phone",
    aliases=("值班电话",),
    roles=[Role.LIAISON, Role.ADMIN],
    help="登记单位值班电话：值班电话 城关镇 0571-87654321（联络员只能登记本单位）",
)
async def phone(
    ctx: HandlerContext,
    *,
    unit: Annotated[str, Arg("单位")],
    number: Annotated[str, Arg("电话", rest=True)],
) -> str:
    """Record a unit's 值班电话; a liaison only for its own unit."""
    if Role.ADMIN not in ctx.me.roles and unit.strip() != ctx.me.org:
        raise UserError(f"联络员只能登记本单位（{ctx.me.org}）的值班电话。")
    org, plain = await unitcheck.set_phone(ctx.session, unit, number)
    ctx.audit_detail.update(unit=org.name)
    return f"已登记 {org.name} 值班电话：{plain}"


@router.command(
    "unitcheck stats",
    aliases=("查岗通报",),
    roles=[Role.OFFICER, Role.LEADER, Role.ADMIN],
    help="县级查岗月度通报（默认本月，附 Word 文件），例如：查岗通报 2026-11",
)
async def stats(
    ctx: HandlerContext, *, month: Annotated[str | None, Arg("年月")] = None
) -> Reply | str:
    """Per unit: asked, answered, in time, missed, average response; with the Word file."""
    first = parse_month(month, ctx.today)
    minutes = DUTY.of(ctx.config).rollcall.unit_answer_minutes
    lines = await unitcheck.month_stats(ctx.session, ctx.tz, first, minutes)
    if not lines:
        return f"{first:%Y年%m月} 没有县级查岗记录。"
    return cards.unit_month_doc(first, lines, minutes, ctx.me.org, ctx.today)

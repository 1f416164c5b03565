"""查岗 in chat: /rollcall by a leader, the officer's 「到」 (button or typed), monthly stats."""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg, parse_month
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import ChatKind
from bot.core.roles import Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from handlers.duty import cards
from models.duty import notify as duty_notify
from models.duty import rollcall as duty_rollcall
from models.duty.settings import DUTY

router = Router("duty-rollcall", UNSCOPED)


@router.command(
    "rollcall", aliases=("查岗",), roles=[Role.LEADER, Role.ADMIN], help="查岗：请在班值班员应答"
)
async def rollcall(ctx: HandlerContext) -> str:
    """A leader's roll call of everyone on duty now."""
    settings = DUTY.of(ctx.config).rollcall
    rungs = DUTY.of(ctx.config).escalation.rollcall
    calls = await duty_rollcall.call_on_duty(
        ctx.session, ctx.now, settings, ctx.me.id, rungs=rungs
    )
    if not calls:
        raise UserError("当前没有值班班次或值班员，无法查岗。")
    minutes = settings.answer_minutes
    for item in calls:
        question = cards.rollcall_question(item, minutes, ctx.tz, ctx.now)
        await duty_rollcall.ask(ctx.session, ctx.now, item, question)
    ctx.audit_detail["rollcalls"] = [c.id for c in calls]
    names = "、".join(c.user.name for c in calls)
    return f"已向 {names} 发出查岗，{minutes} 分钟内未应答将通知您。"


@router.command("here", aliases=("到",), roles=[Role.OFFICER], help="应答查岗")
async def answer(
    ctx: HandlerContext, *, call_id: Annotated[int | None, Arg("编号")] = None
) -> str | None:
    """Record the answer and its response time; the asking leader hears about it."""
    item = await duty_rollcall.answer(ctx.session, ctx.me.id, ctx.now, call_id)
    if item is None:
        if ctx.msg.chat_kind is ChatKind.GROUP:
            return None  # someone saying 「到」 in a group without a roll call is just chat
        raise UserError("当前没有待您应答的查岗。")
    seconds = item.seconds or 0
    ctx.audit_detail.update(rollcall=item.id, seconds=seconds)
    if item.by_user_id is not None:
        await duty_notify.tell(
            ctx.session,
            ctx.now,
            [item.by_user_id],
            cards.rollcall_answered(ctx.me.name, seconds),
            key=f"duty:rollcall:{item.id}:answered",
        )
    late = "（已超时）" if seconds > DUTY.of(ctx.config).rollcall.answer_minutes * 60 else ""
    return f"已应答查岗，用时 {cards.took(seconds)}{late}。"


def _duration(seconds: int | None) -> str:
    return "—" if seconds is None else f"{seconds // 60}分{seconds % 60}秒"


@router.command(
    "rollcall stats",
    aliases=("查岗 统计",),
    roles=[Role.LEADER, Role.ADMIN],
    help="查岗月度统计（默认本月），例如：查岗 统计 2026-11",
)
async def stats(ctx: HandlerContext, *, month: Annotated[str | None, Arg("年月")] = None) -> str:
    """Per officer: asked, answered, answered in time, average response."""
    first = parse_month(month, ctx.today)
    minutes = DUTY.of(ctx.config).rollcall.answer_minutes
    lines = await duty_rollcall.month_stats(ctx.session, ctx.tz, first, minutes)
    if not lines:
        return f"{first:%Y年%m月} 没有查岗记录。"
    rows = [
        f"{x.name}：查岗 {x.asked} 次，应答 {x.answered}，按时 {x.on_time}，"
        f"平均 {_duration(x.average_seconds)}"
        for x in lines
    ]
    return f"{first:%Y年%m月} 查岗统计（按时 = {minutes} 分钟内）：\n" + "\n".join(rows)

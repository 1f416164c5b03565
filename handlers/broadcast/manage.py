"""Following a broadcast up: its status per recipient, and cancelling it."""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.roles import Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from handlers.broadcast import cards
from models.broadcast import records as bc
from models.broadcast.send import cancel
from models.broadcast.state import progress
from models.broadcast.summary import push_summary

router = Router("broadcast_manage", UNSCOPED)


@router.command(
    "broadcast status",
    aliases=("广播 状态", "广播状态"),
    roles=[Role.ADMIN, Role.LEADER, Role.OFFICER],
    help="查看应急广播的送达与确认情况",
)
async def broadcast_status(
    ctx: HandlerContext, *, broadcast_id: Annotated[int, Arg("编号")]
) -> str:
    """The summary, plus who acknowledged when."""
    found = await bc.get(ctx.session, broadcast_id)
    states = await progress(ctx.session, found.id)
    text = cards.summary_text(found, states, ctx.tz, ctx.now)
    acked = sorted((s.ack.acked_at, s.recipient.display) for s in states if s.ack is not None)
    if acked:
        lines = [f"  {who} {ctx.tz.fmt(at)}" for at, who in acked[:20]]
        more = f"\n  … 共 {len(acked)} 个" if len(acked) > 20 else ""
        text += "\n已确认：\n" + "\n".join(lines) + more
    return text + "\n证据导出：dutybot broadcast export " + str(found.id)


@router.command(
    "broadcast cancel",
    aliases=("广播 取消", "取消广播"),
    roles=[Role.ADMIN, Role.LEADER, Role.OFFICER],
    help="撤回应急广播：未发出的不再发送，不再提醒（起草人、领导或管理员）",
)
async def cancel_broadcast(
    ctx: HandlerContext, *, broadcast_id: Annotated[int, Arg("编号")]
) -> str:
    """Withdraw a draft, a pending approval or a sent broadcast."""
    found = await bc.get(ctx.session, broadcast_id)
    if found.status == bc.BroadcastStatus.CANCELLED.value:
        raise UserError(f"广播 #{found.id} 已于 {ctx.tz.fmt(found.cancelled_at)} 撤回。")
    if found.created_by != ctx.me.id and not ctx.me.roles & {Role.ADMIN, Role.LEADER}:
        raise UserError(f"广播 #{found.id} 由他人起草，只有起草人、领导或管理员可以撤回。")
    was_sent = found.status == bc.BroadcastStatus.ACTIVE.value
    withdrawn = await cancel(ctx.session, ctx.now, found, ctx.me.id)
    ctx.audit_detail.update(broadcast=found.id, withdrawn=withdrawn)
    if not was_sent:
        return f"已撤回 {found.title}（未发送）。"
    states = await progress(ctx.session, found.id)
    await push_summary(ctx.session, ctx.now, found, cards.summary(found, states, ctx.tz, ctx.now))
    return (
        f"已撤回 {found.title}：尚未发出的 {withdrawn} 条不再发送，不再提醒未确认人员。"
        "此后收到的确认仍会记录。"
    )

"""Shift changes in chat: /checkin (接班), /handover [遗留事项] (交班), /takeover (确认接班)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import Button, Reply
from bot.core.roles import Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from bot.store import outbox
from models.duty import notify as duty_notify
from models.duty import records as duty
from models.duty import shift as duty_shift
from models.duty.settings import DUTY

router = Router("duty-shift", UNSCOPED)
TAKEOVER = Button(label="确认接班", command="确认接班")


async def _coming_or_current(ctx: HandlerContext) -> duty.DutySlot:
    early = timedelta(minutes=DUTY.of(ctx.config).remind_before_start_minutes)
    slot = await duty.officer_slot(
        ctx.session, ctx.me.id, starts_by=ctx.now + early, ends_after=ctx.now
    )
    if slot is None:
        raise UserError(
            f"您当前没有值班安排（可在班次开始前 {early.seconds // 60} 分钟内接班）。"
            "查看安排：我的值班"
        )
    return slot


@router.command("checkin", aliases=("接班",), roles=[Role.OFFICER], help="到岗接班（记录时间）")
async def check_in(ctx: HandlerContext) -> str:
    """Record the caller's arrival for the slot starting now (or soon)."""
    slot = await _coming_or_current(ctx)
    await duty_shift.check_in(ctx.session, slot, ctx.me.id, ctx.now)
    ctx.audit_detail["slot"] = slot.id
    lines = [f"已接班，时间 {ctx.tz.fmt(ctx.now)}。", f"本班：{slot.describe(ctx.tz)}"]
    record = await duty_shift.awaiting(ctx.session, slot.id)
    if record is not None:
        lines.append(f"上一班 {record.by_user.name} 已交班，遗留事项：{record.pending or '无'}")
        lines.append("请核对后发送「确认接班」。")
    return "\n".join(lines)


@router.command(
    "handover",
    aliases=("交班",),
    roles=[Role.OFFICER],
    help="交班，写明遗留事项；下一班确认后才算交接完成",
)
async def hand_over(
    ctx: HandlerContext, *, pending: Annotated[str, Arg("遗留事项", rest=True)] = ""
) -> Reply:
    """Record the caller's 交班 and ask the next slot's officers to confirm."""
    cfg = DUTY.of(ctx.config)
    grace = timedelta(minutes=cfg.handover_admin_minutes)  # a late 交班 still finds its slot
    slot = await duty.officer_slot(
        ctx.session, ctx.me.id, starts_by=ctx.now, ends_after=ctx.now - grace, latest=True
    )
    if slot is None:
        raise UserError("您当前不在班，无需交班。查看安排：我的值班")
    reason, pending = _early(ctx, slot, pending.strip())
    following = await duty.next_slot(ctx.session, slot)
    pending = pending or "无"
    record = await duty_shift.hand_over(
        ctx.session, ctx.now, cfg, slot, following, ctx.me.id, pending, reason
    )
    if reason is not None:
        await _tell_leader_early(ctx, slot, record, reason)
    ctx.audit_detail.update(slot=slot.id, handover=record.id, early=reason is not None)
    if following is None or not following.officer_ids:
        return Reply(
            f"已记录交班（{ctx.tz.fmt(ctx.now)}），遗留事项：{pending}。\n"
            "下一班尚未排班，带班领导将收到提醒，请勿离岗。"
        )
    note = Reply(
        f"{ctx.me.name} 已交班（{ctx.tz.fmt(ctx.now)}）。遗留事项：{pending}\n"
        f"您的班次：{following.describe(ctx.tz)}\n请当面核对后点「确认接班」。",
        buttons=((TAKEOVER,),),
    )
    await duty_notify.tell(
        ctx.session,
        ctx.now,
        following.officer_ids,
        note,
        key=f"duty:handover:{record.id}:{ctx.msg.message_id}",
        priority=outbox.Priority.INTERACTIVE,
    )
    names = "、".join(u.name for u in following.officers)
    return Reply(
        f"已交班（{ctx.tz.fmt(ctx.now)}），遗留事项：{pending}。\n"
        f"已通知 {names} 确认接班；确认前请勿离岗。"
    )


def _early(ctx: HandlerContext, slot: duty.DutySlot, text: str) -> tuple[str | None, str]:
    """(reason, pending items): a 交班 before the window needs 「提前 原因；遗留事项」.

    Raises:
        UserError: early without a reason; says when the window opens and how to write one.
    """
    cfg = DUTY.of(ctx.config)
    if duty_shift.early_by(cfg, slot, ctx.now) is None:
        return None, text
    head, _, rest = text.partition("提前")
    reason, _, pending = rest.replace(";", "；").partition("；")
    if head.strip() or not reason.strip():
        opens = slot.end_at - timedelta(minutes=cfg.handover_window_minutes)
        raise UserError(
            f"本班（{slot.describe(ctx.tz, with_day=True)}）{ctx.tz.fmt(slot.end_at)} 结束，"
            f"交班可在结束前 {cfg.handover_window_minutes} 分钟内（{ctx.tz.fmt(opens)} 起）办理。"
            "如需提前交班，请写明原因，例如：交班 提前 身体不适；河口乡隐患点需继续关注"
            "（带班领导会收到通知）"
        )
    return reason.strip()[:200], pending.strip()


async def _tell_leader_early(
    ctx: HandlerContext, slot: duty.DutySlot, record: duty_shift.DutyHandover, reason: str
) -> None:
    leaders = [slot.leader_id] if slot.leader_id else await duty_notify.leader_ids(ctx.session)
    await duty_notify.tell(
        ctx.session,
        ctx.now,
        leaders,
        Reply(
            f"【提前交班】{ctx.me.name} 于 {ctx.tz.fmt(ctx.now)} 交班，"
            f"本班 {ctx.tz.fmt(slot.end_at)} 才结束。原因：{reason}\n"
            f"遗留事项：{record.pending}"
        ),
        key=f"duty:handover:{record.id}:early:{ctx.msg.message_id}",
        priority=outbox.Priority.INTERACTIVE,
    )


@router.command("takeover", aliases=("确认接班",), roles=[Role.OFFICER], help="确认上一班的交班")
async def take_over(ctx: HandlerContext) -> str:
    """Confirm the handover to the caller's next slot, however far off it starts (and check in
    if not done yet)."""
    found = await duty_shift.awaiting_for(ctx.session, ctx.me.id, ctx.now)
    if found is None:
        raise UserError("没有待确认的交班。上一班交班后您会收到通知。")
    record, slot = found
    await duty_shift.take_over(ctx.session, record, ctx.me.id, ctx.now)
    if ctx.me.id not in await duty_shift.checked_in_ids(ctx.session, slot.id):
        await duty_shift.check_in(ctx.session, slot, ctx.me.id, ctx.now)
    ctx.audit_detail.update(slot=slot.id, handover=record.id)
    await duty_notify.tell(
        ctx.session,
        ctx.now,
        [record.by_user_id],
        Reply(f"{ctx.me.name} 已确认接班（{ctx.tz.fmt(ctx.now)}），交接完成，辛苦了！"),
        key=f"duty:takeover:{record.id}",
    )
    return (
        f"已确认接班（{ctx.tz.fmt(ctx.now)}）。交班人：{record.by_user.name}"
        f"（{ctx.tz.fmt(record.at)}）。遗留事项：{record.pending or '无'}"
    )

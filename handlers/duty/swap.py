"""换班 in chat: /swap DATE @person [班次] → the colleague accepts or declines → the 带班领导
approves when config says so → the roster changes and the reminders move with it."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from sqlalchemy import select

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import Button, Reply
from bot.core.roles import Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from bot.store import outbox
from models.directory.users import find_user
from models.duty import notify as duty_notify
from models.duty import roster as duty_roster
from models.duty.records import DutySlot
from models.duty.settings import DUTY
from models.duty.swap import DutySwap, SwapStatus, get, open_for

router = Router("duty-swap", UNSCOPED)


def _buttons(swap_id: int, yes: tuple[str, str], no: tuple[str, str]) -> tuple[tuple[Button, ...]]:
    return ((Button(yes[0], f"{yes[1]} {swap_id}"), Button(no[0], f"{no[1]} {swap_id}")),)


async def _tell(
    ctx: HandlerContext, user_ids: list[int], reply: Reply, step: str, swap: DutySwap
) -> None:
    await duty_notify.tell(
        ctx.session,
        ctx.now,
        user_ids,
        reply,
        key=f"duty:swap:{swap.id}:{step}",
        priority=outbox.Priority.INTERACTIVE,
    )


@router.command(
    "swap",
    aliases=("换班",),
    roles=[Role.OFFICER],
    help="请同事替您某天的班，例如：换班 11-28 @赵丽",
)
async def ask_swap(
    ctx: HandlerContext,
    *,
    day: Annotated[date, Arg("日期")],
    person: Annotated[str, Arg("@同事")],
    shift: Annotated[str | None, Arg("班次")] = None,
) -> str:
    """Ask a colleague to take one of the caller's slots."""
    query = select(DutySlot).where(DutySlot.day == day)
    mine = [s for s in await ctx.session.scalars(query) if ctx.me.id in s.officer_ids]
    if shift:
        mine = [s for s in mine if s.shift == shift]
    if not mine:
        raise UserError(f"{day} 没有您的值班{('（' + shift + '）') if shift else ''}，无需换班。")
    if len(mine) > 1:
        raise UserError(f"{day} 您有多个班次，请写明班次，例如：换班 {day:%m-%d} {person} 夜班")
    slot = mine[0]
    if slot.end_at <= ctx.now:
        raise UserError("该班次已结束，不能换班。")
    other = await find_user(ctx.session, person)
    if other.id == ctx.me.id or other.id in slot.officer_ids:
        raise UserError(f"{other.name} 已在该班次值班，请换一位同事。")
    if Role.OFFICER not in other.roles:
        raise UserError(f"{other.name} 不是值班员，不能替班。")
    if await open_for(ctx.session, slot.id, ctx.me.id):
        raise UserError("该班次已有一个待处理的换班申请，请等待对方答复。")
    swap = DutySwap(
        slot_id=slot.id, from_user_id=ctx.me.id, to_user_id=other.id, created_at=ctx.now
    )
    ctx.session.add(swap)
    await ctx.session.flush()
    await ctx.session.refresh(swap)
    ctx.audit_detail.update(swap=swap.id, slot=slot.id, to=other.id)
    ask = Reply(
        f"{ctx.me.name} 请您替班：{slot.describe(ctx.tz)}（换班申请 #{swap.id}）",
        buttons=_buttons(swap.id, ("同意", "换班 同意"), ("拒绝", "换班 拒绝")),
    )
    await _tell(ctx, [other.id], ask, "ask", swap)
    return f"已向 {other.name} 发出换班申请 #{swap.id}（{slot.describe(ctx.tz)}），等待对方答复。"


async def _apply(ctx: HandlerContext, swap: DutySwap) -> str:
    swap.status, swap.decided_at = SwapStatus.DONE.value, ctx.now
    slot = swap.slot
    await duty_roster.replace_officer(
        ctx.session, ctx.now, DUTY.of(ctx.config), ctx.tz, slot, swap.from_user_id, swap.to_user_id
    )
    done = f"换班 #{swap.id} 已生效：{slot.describe(ctx.tz)}。提醒已随之调整。"
    await _tell(ctx, [swap.from_user_id, swap.to_user_id], Reply(done), "done", swap)
    return done


@router.command("swap accept", aliases=("换班 同意",), roles=[Role.OFFICER], help="同意替班")
async def accept_swap(ctx: HandlerContext, *, swap_id: Annotated[int, Arg("编号")]) -> str:
    """The colleague agrees; the leader decides next when config requires it."""
    swap = await get(ctx.session, swap_id, SwapStatus.ASKED)
    if swap.to_user_id != ctx.me.id:
        raise UserError(f"换班申请 #{swap_id} 不是发给您的。")
    ctx.audit_detail["swap"] = swap.id
    if not DUTY.of(ctx.config).swap_needs_leader:
        return await _apply(ctx, swap)
    swap.status = SwapStatus.ACCEPTED.value
    leaders = (
        [swap.slot.leader_id] if swap.slot.leader_id else await duty_notify.leader_ids(ctx.session)
    )
    ask = Reply(
        f"换班审批 #{swap.id}：{swap.from_user.name} → {swap.to_user.name}，"
        f"{swap.slot.describe(ctx.tz)}",
        buttons=_buttons(swap.id, ("批准", "换班 批准"), ("不批准", "换班 不批准")),
    )
    await _tell(ctx, leaders, ask, "approve", swap)
    await _tell(
        ctx,
        [swap.from_user_id],
        Reply(f"{ctx.me.name} 已同意换班 #{swap.id}，待带班领导审批。"),
        "accepted",
        swap,
    )
    return f"您已同意换班 #{swap.id}，待带班领导审批。"


@router.command("swap decline", aliases=("换班 拒绝",), roles=[Role.OFFICER], help="拒绝替班")
async def decline_swap(ctx: HandlerContext, *, swap_id: Annotated[int, Arg("编号")]) -> str:
    """The colleague declines; the roster stays."""
    swap = await get(ctx.session, swap_id, SwapStatus.ASKED)
    if swap.to_user_id != ctx.me.id:
        raise UserError(f"换班申请 #{swap_id} 不是发给您的。")
    swap.status, swap.decided_at = SwapStatus.DECLINED.value, ctx.now
    await _tell(
        ctx,
        [swap.from_user_id],
        Reply(f"{ctx.me.name} 未同意换班 #{swap.id}，原排班不变。"),
        "declined",
        swap,
    )
    return f"已拒绝换班 #{swap.id}。"


async def _leader_decides(ctx: HandlerContext, swap_id: int) -> DutySwap:
    swap = await get(ctx.session, swap_id, SwapStatus.ACCEPTED)
    if swap.slot.leader_id not in (None, ctx.me.id) and Role.ADMIN not in ctx.me.roles:
        raise UserError(f"换班 #{swap_id} 应由该班带班领导审批。")
    swap.approver_id = ctx.me.id
    ctx.audit_detail["swap"] = swap.id
    return swap


@router.command(
    "swap approve", aliases=("换班 批准",), roles=[Role.LEADER, Role.ADMIN], help="批准换班"
)
async def approve_swap(ctx: HandlerContext, *, swap_id: Annotated[int, Arg("编号")]) -> str:
    """The 带班领导 approves; the roster changes now."""
    return await _apply(ctx, await _leader_decides(ctx, swap_id))


@router.command(
    "swap reject", aliases=("换班 不批准",), roles=[Role.LEADER, Role.ADMIN], help="不批准换班"
)
async def reject_swap(ctx: HandlerContext, *, swap_id: Annotated[int, Arg("编号")]) -> str:
    """The 带班领导 refuses; the roster stays."""
    swap = await _leader_decides(ctx, swap_id)
    swap.status, swap.decided_at = SwapStatus.REJECTED.value, ctx.now
    note = Reply(f"带班领导未批准换班 #{swap.id}，原排班不变。")
    await _tell(ctx, [swap.from_user_id, swap.to_user_id], note, "rejected", swap)
    return f"已不批准换班 #{swap.id}。"

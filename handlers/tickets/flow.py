"""工单 handling in chat: 签收/回复/延期/退单 by the unit's liaison; 催办/合并/典型 by staff."""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import Reply
from bot.core.roles import Role
from bot.core.routing import Router
from handlers import notify
from handlers.tickets.cards import details_button
from handlers.tickets.commands import left, number_in
from models.deadlines import estimates
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import compute
from models.deadlines.settings import CALENDAR
from models.directory import units as org_units
from models.directory.users import users_with_role
from models.tickets import SCOPE as TICKETS_SCOPE
from models.tickets import webhook
from models.tickets.plan import due_text, extend, replan
from models.tickets.records import OPEN, Ticket, get, log, step

router = Router("tickets-flow", TICKETS_SCOPE)
STAFF = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
CHASERS = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)


async def _mine(ctx: HandlerContext, number: str) -> Ticket:
    """The ticket, when the caller is a liaison of its lead unit."""
    ticket = await get(ctx.session, number_in(number))
    org_units.require_unit(ctx.me, [ticket.unit], ticket.label)
    return ticket


async def _tell_staff(ctx: HandlerContext, ticket: Ticket, text: str) -> None:
    """Tell the supervisors (the 12345 desk) what a unit did."""
    staff = await users_with_role(ctx.session, Role.SUPERVISOR)
    await notify.tell(
        ctx,
        [u.id for u in staff],
        Reply(text, buttons=((details_button(ticket),),)),
        key=f"ticket:{ticket.id}:{len(ticket.events)}",
        kind="ticket",
        fallback=[],
    )


async def _done(ctx: HandlerContext, ticket: Ticket) -> None:
    """Audit, re-plan the pushes, and send the step back to the platform where configured."""
    ctx.audit_detail["ticket"] = ticket.number
    await replan(ctx.session, ctx.now, ticket, ctx.config, ctx.tz.tz)
    outgoing = await webhook.latest_step(ctx, ticket)
    if outgoing is not None:  # JSON for the platform, queued like any message
        await ctx.send(webhook.TARGET, Reply(outgoing.body), key=outgoing.key, kind=webhook.KIND)


@router.command(
    "ticket sign", aliases=("工单 签收",), roles=[Role.LIAISON], help="签收工单：工单 签收 编号"
)
async def ticket_sign(ctx: HandlerContext, *, number: Annotated[str, Arg("工单编号")]) -> str:
    """The lead unit signs for the ticket; the 签收 reminder stops."""
    ticket = await _mine(ctx, number)
    step(ticket, "签收", ctx.now, actor_id=ctx.me.id, actor=ctx.me.name)
    ticket.signed_at = ctx.now
    await _done(ctx, ticket)
    return (
        f"✅ 已签收 {ticket.label}。期限 {due_text(ctx.tz, ticket.deadline)} 前，"
        f"{left(ticket.deadline, ctx.now)}。\n办完请回复：/ticket_reply {ticket.number} 办理结果"
    )


@router.command(
    "ticket reply",
    aliases=("工单 回复",),
    roles=[Role.LIAISON],
    help="回复工单：工单 回复 编号 办理结果",
)
async def ticket_reply(
    ctx: HandlerContext,
    *,
    number: Annotated[str, Arg("工单编号")],
    text: Annotated[str, Arg("办理结果", rest=True)],
) -> str:
    """The unit's answer; the ticket waits for the 回访."""
    ticket = await _mine(ctx, number)
    step(ticket, "回复", ctx.now, text, actor_id=ctx.me.id, actor=ctx.me.name)
    ticket.reply = text
    ticket.replied_at = ctx.now
    await _done(ctx, ticket)
    late = "（超期回复）" if ctx.now > ticket.deadline else ""
    said = ticket.shown(text)[:80]
    await _tell_staff(ctx, ticket, f"📨 {ticket.unit} 已回复 {ticket.label}{late}：{said}")
    return f"✅ 已回复 {ticket.label}{late}，等待回访。"


@router.command(
    "ticket extend",
    aliases=("工单 延期",),
    roles=[Role.LIAISON],
    help="工单延期：工单 延期 编号 工作日数 理由",
)
async def ticket_extend(
    ctx: HandlerContext,
    *,
    number: Annotated[str, Arg("工单编号")],
    days: Annotated[int, Arg("延期天数", low=1, high=365)],
    reason: Annotated[str, Arg("理由", rest=True)],
) -> str:
    """A 延期 within the rule's limit (hotline.handle: 至多 10 工作日); one per ticket."""
    ticket = await _mine(ctx, number)
    new_due = extend(ctx.config, ctx.tz.tz, ticket, days)
    step(
        ticket, "延期", ctx.now, f"延期 {days} 天：{reason}", actor_id=ctx.me.id, actor=ctx.me.name
    )
    ticket.extended_due_at = new_due
    # the extension is what the unit asked for; the original limit is no longer recomputed
    await estimates.forget(ctx.session, "ticket", ticket.id, "due_at")
    await _done(ctx, ticket)
    said = ticket.shown(reason)
    await _tell_staff(ctx, ticket, f"⏳ {ticket.unit} 将 {ticket.label} 延期 {days} 天：{said}")
    return f"✅ {ticket.label} 已延期至 {due_text(ctx.tz, new_due)} 前。"


@router.command(
    "ticket return",
    aliases=("工单 退单",),
    roles=[Role.LIAISON],
    help="退单：工单 退单 编号 理由（须说明理由）",
)
async def ticket_return(
    ctx: HandlerContext,
    *,
    number: Annotated[str, Arg("工单编号")],
    reason: Annotated[str, Arg("退单理由", rest=True)],
) -> str:
    """Return a wrongly assigned ticket with the reason; the desk re-assigns it."""
    ticket = await _mine(ctx, number)
    start = ticket.dispatched_at or ticket.received_at
    rule = ctx.config.rules["hotline.return"]
    limit = compute(start, rule, WorkCalendar(CALENDAR.of(ctx.config)), ctx.tz.tz).due_at
    step(ticket, "退单", ctx.now, reason, actor_id=ctx.me.id, actor=ctx.me.name)
    ticket.return_reason = reason
    await _done(ctx, ticket)
    late = ctx.now > limit
    note = f"（已超过退单时限 {rule.amount}{rule.unit}，可能计入不当退单）" if late else ""
    said = ticket.shown(reason)
    await _tell_staff(ctx, ticket, f"↩️ {ticket.unit} 退回 {ticket.label}：{said}{note}")
    return f"✅ 已退回 {ticket.label}，理由已转 12345 工作台改派。{note}"


@router.command(
    "ticket chase", aliases=("工单 催办",), roles=CHASERS, help="催办工单：工单 催办 编号 [要求]"
)
async def ticket_chase(
    ctx: HandlerContext,
    *,
    number: Annotated[str, Arg("工单编号")],
    text: Annotated[str, Arg("要求", rest=True)] = "",
) -> str:
    """A leader chases the lead unit: its liaisons get the card's essentials now."""
    ticket = await get(ctx.session, number_in(number))
    if ticket.status not in OPEN or ticket.lead_org_id is None:
        raise UserError(f"{ticket.label} 当前为「{ticket.status}」，无需催办。")
    log(ticket, "催办", ctx.now, text, actor_id=ctx.me.id, actor=ctx.me.name)
    people = await org_units.unit_people(ctx.session, ticket.lead_org_id, Role.LIAISON)
    body = (
        f"📣 {ctx.me.name} 催办 {ticket.label}\n{ticket.shown(ticket.content)[:80]}\n"
        f"期限：{due_text(ctx.tz, ticket.deadline)} 前，{left(ticket.deadline, ctx.now)}"
        + (f"\n要求：{text}" if text else "")
    )
    reached = await notify.tell(
        ctx,
        [p.id for p in people],
        Reply(body, buttons=((details_button(ticket),),)),
        key=f"ticket:{ticket.id}:{len(ticket.events)}",
        kind="ticket",
        fallback=[ctx.me.id],
    )
    await _done(ctx, ticket)
    if not reached:
        return f"⚠️ {ticket.unit} 没有已绑定的联络员，催办已记录，请线下通知。"
    return f"✅ 已向 {ticket.unit} 催办 {ticket.label}。"


@router.command(
    "ticket merge",
    aliases=("工单 合并",),
    roles=STAFF,
    help="并单：工单 合并 重复工单 主工单",
)
async def ticket_merge(
    ctx: HandlerContext,
    *,
    duplicate: Annotated[str, Arg("重复工单")],
    main: Annotated[str, Arg("主工单")],
) -> str:
    """Merge a repeated complaint into the main ticket (并单处理); its pushes stop."""
    dup = await get(ctx.session, number_in(duplicate))
    target = await get(ctx.session, number_in(main))
    if dup.id == target.id:
        raise UserError("不能把工单并入它自己，请给出两张不同的工单")
    if target.status not in OPEN:
        raise UserError(f"主工单 {target.label} 当前为「{target.status}」，请并入在办工单")
    step(dup, "合并", ctx.now, f"并入 {target.number}", actor_id=ctx.me.id, actor=ctx.me.name)
    dup.merged_into = target.number
    log(
        target,
        "并单",
        ctx.now,
        f"并入重复工单 {dup.number}",
        actor_id=ctx.me.id,
        actor=ctx.me.name,
    )
    await _done(ctx, dup)
    return f"✅ 已将 {dup.number} 并入 {target.number}，按主工单办理。"


@router.command(
    "ticket typical",
    aliases=("工单 典型",),
    roles=STAFF,
    help="标记/取消典型案例：工单 典型 编号 [取消]",
)
async def ticket_typical(
    ctx: HandlerContext,
    *,
    number: Annotated[str, Arg("工单编号")],
    undo: Annotated[str, Arg("取消")] = "",
) -> str:
    """Flag a ticket as a 典型案例 for publication (anonymised when published)."""
    ticket = await get(ctx.session, number_in(number))
    ticket.typical = undo != "取消"
    log(ticket, "典型案例" if ticket.typical else "取消典型", ctx.now, actor_id=ctx.me.id)
    ctx.audit_detail["ticket"] = ticket.number
    return f"✅ {ticket.label} {'已标记为' if ticket.typical else '已取消'}典型案例。"

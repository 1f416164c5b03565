"""A ticket overdue ``tickets.supervise_after_overdue`` times becomes 督办: its status, and — when
``tickets.supervise_item`` says so — one 督办 item (来源 12345) in the 督办 台账, audited."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.context import WorkContext
from bot.core.roles import Role
from bot.store import audit
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import compute
from models.deadlines.settings import CALENDAR
from models.directory.users import users_with_role
from models.supervision.plan import open_item
from models.supervision.records import SupervisionItem
from models.tickets.plan import due_text
from models.tickets.records import HANDLING, Status, Ticket, log, step
from models.tickets.settings import TICKETS


def origin_of(ticket: Ticket) -> str:
    """``ticket:12345-20231108-000123``: how the 督办 item names the ticket it came from."""
    return f"ticket:{ticket.number}"


async def escalate(ctx: WorkContext, ticket: Ticket) -> SupervisionItem | None:
    """After an 超期 was counted: make the ticket 督办 when it has run out often enough.

    Returns:
        The ticket's 督办 item — opened now, or the one opened at an earlier escalation —
        or None when it is not (or may not be) under 督办.
    """
    tickets = TICKETS.of(ctx.config)
    limit = tickets.supervise_after_overdue
    if not limit or ticket.overdue_count < limit or ticket.status not in HANDLING:
        return None
    if ticket.status != Status.SUPERVISED:
        step(ticket, "督办", ctx.now, f"超期 {ticket.overdue_count} 次，转督办")
    if not tickets.supervise_item or ticket.lead_org is None:
        return None
    found = await ctx.session.scalar(
        select(SupervisionItem).where(SupervisionItem.origin == origin_of(ticket))
    )
    return found or await _open(ctx, ticket)


async def _open(ctx: WorkContext, ticket: Ticket) -> SupervisionItem | None:
    """Open the item in the name of the 12345 desk (the first supervisor, else an admin)."""
    assert ticket.lead_org is not None
    desk = await users_with_role(ctx.session, Role.SUPERVISOR)
    desk += await users_with_role(ctx.session, Role.ADMIN)
    if not desk:
        log(ticket, "督办未立项", ctx.now, "没有督查员或管理员账号，无法立督办项")
        await _audit(ctx, ticket, "skipped", {})
        return None
    rule = ctx.config.rules[TICKETS.of(ctx.config).supervise_rule]
    due = compute(ctx.now, rule, WorkCalendar(CALENDAR.of(ctx.config)), ctx.tz.tz)
    item, _ = await open_item(
        ctx.session,
        ctx.now,
        ctx.config,
        ctx.tz.tz,
        source="12345",
        title=f"12345工单 {ticket.number} 超期未办结",
        content=(
            f"{ticket.content}\n地址：{ticket.address or '—'}；"
            f"原期限 {due_text(ctx.tz, ticket.deadline)}，已超期 {ticket.overdue_count} 次"
        ),
        org=ticket.lead_org,
        due_date=due.day(ctx.tz.tz),
        created_by=desk[0].id,
        co_orgs=list(ticket.co_orgs),
        origin=origin_of(ticket),
    )
    log(ticket, "立督办项", ctx.now, f"督办 #{item.id}，期限 {item.due_date.isoformat()}")
    await _audit(ctx, ticket, "ok", {"task": item.id, "due": item.due_date.isoformat()})
    return item


async def _audit(
    ctx: WorkContext, ticket: Ticket, outcome: str, detail: dict[str, object]
) -> None:
    detail = {"ticket": ticket.number, **detail}
    entry = audit.Entry(kind="system", command="ticket:supervise", outcome=outcome, detail=detail)
    await audit.append(ctx.session, ctx.now, entry)

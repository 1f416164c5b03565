"""12345 工单 pushes: 签收 overdue, 临期, 到期, 超期 to the lead unit's liaisons (the supervisors
when none is reachable); a ticket overdue again after its 延期 becomes 督办 when config says so."""

from __future__ import annotations

from bot.core.jobs import JobContext, JobRegistry
from bot.core.messages import Reply
from bot.core.roles import Role
from bot.store.due import ClaimedItem
from handlers import notify
from handlers.tickets.cards import details_button
from models.deadlines.calendar import WorkCalendar
from models.deadlines.estimates import estimate_note
from models.deadlines.settings import CALENDAR
from models.directory import units as org_units
from models.directory.users import users_with_role
from models.supervision.records import Status as TaskStatus
from models.tickets.plan import KIND, due_text
from models.tickets.records import OPEN, Status, Ticket, log
from models.tickets.supervise import escalate

jobs = JobRegistry("tickets")

_HEADS = {
    "sign": "📥 工单待签收",
    "soon": "🟨 工单临期提醒",
    "due": "🟧 工单今日到期",
    "over": "🟥 工单已超期",
}


def _body(ctx: JobContext, kind: str, ticket: Ticket) -> str:
    lines = [
        _HEADS[kind],
        f"{ticket.label}（{ticket.unit}）",
        f"诉求：{ticket.shown(ticket.content)[:80]}",
        f"期限：{due_text(ctx.tz, ticket.deadline)} 前",
    ]
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    if note := estimate_note(cal, ticket.deadline.astimezone(ctx.tz.tz).date()):
        lines.append(note)
    if kind == "sign":
        lines.append(f"派单后至今未签收，请签收：/ticket_sign {ticket.number}")
    else:
        lines.append(f"办完请回复：/ticket_reply {ticket.number} 办理结果")
    return "\n".join(lines)


@jobs.due(KIND)
async def push(ctx: JobContext, item: ClaimedItem) -> None:
    """Send one push; an 超期 counts, and the configured count makes the ticket 督办."""
    ticket = await ctx.session.get(Ticket, int(item.payload["ticket"]))
    kind = str(item.payload["step"])
    if ticket is None or ticket.status not in OPEN or ticket.lead_org_id is None:
        return  # answered, returned or merged since: nothing is owed
    if kind == "sign" and ticket.status != Status.WAITING:
        return
    supervisors = [u.id for u in await users_with_role(ctx.session, Role.SUPERVISOR)]
    body = _body(ctx, kind, ticket)
    if kind == "over":
        ticket.overdue_count += 1
        log(ticket, "超期", ctx.now, f"第 {ticket.overdue_count} 次超期")
        task = await escalate(ctx, ticket)
        if task is not None:
            body += f"\n已转{task.label}，期限 {task.due_date.isoformat()} 24:00 前"
            if task.status == TaskStatus.ASSIGNED:
                body += f"；请签收：/task_sign {task.id}"
    liaisons = await org_units.unit_people(ctx.session, ticket.lead_org_id, Role.LIAISON)
    people = [p.id for p in liaisons]
    if kind == "over":
        people += [s for s in supervisors if s not in people]
    await notify.tell(
        ctx,
        people,
        Reply(body, buttons=((details_button(ticket),),)),
        key=f"ticket:{ticket.id}:{kind}:{ctx.scheduled_for}",
        kind="ticket",
        fallback=supervisors,
    )

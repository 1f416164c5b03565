"""Applying a recomputed deadline to the item that owns it (督办, 信访, 建议提案, 12345 工单): the
new day, the reminders re-planned, and who owns it. None when the clock no longer runs (nothing
to move)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from bot.core.jobs import JobContext
from bot.core.roles import Role
from models.deadlines.compute import end_of_day
from models.directory import units as org_units
from models.petitions import plan as petition_plan
from models.petitions.records import Petition
from models.petitions.records import Status as PetitionStatus
from models.proposals import plan as proposal_plan
from models.proposals.records import Proposal
from models.proposals.records import Status as ProposalStatus
from models.supervision import plan as supervision_plan
from models.supervision import records as supervision
from models.supervision.records import Status as SupervisionStatus
from models.supervision.records import SupervisionItem
from models.tickets import plan as ticket_plan
from models.tickets.records import OPEN as TICKET_OPEN
from models.tickets.records import Ticket
from models.tickets.records import log as ticket_log


@dataclass(frozen=True)
class Applied:
    """The item a moved deadline belongs to: its label and the people to tell."""

    label: str
    owners: list[int]


Apply = Callable[[JobContext, int, str, date], Awaitable[Applied | None]]

FIELDS = {
    "due_date": "办理期限",
    "due_at": "办理期限",
    "forward_due": "转送、交办期限",
    "conclude_due": "办结期限",
    "contact_due": "面商期限",
    "reply_due": "答复期限",
    "redo_due": "再次答复期限",
    "stage_due": "复查/复核意见期限",
}


async def _liaisons(ctx: JobContext, org_id: int | None) -> list[int]:
    if org_id is None:
        return []
    return [u.id for u in await org_units.unit_people(ctx.session, org_id, Role.LIAISON)]


async def _supervision(ctx: JobContext, item_id: int, field: str, day: date) -> Applied | None:
    item = await ctx.session.get(SupervisionItem, item_id)
    if item is None or item.status == SupervisionStatus.CLOSED or field != "due_date":
        return None
    if item.original_due_date == item.due_date:
        item.original_due_date = day  # the original limit was itself the estimate
    old = item.due_date
    item.due_date, item.due_at = day, end_of_day(day, ctx.tz.tz)
    supervision.log(item, "期限调整", None, ctx.now, f"{old.isoformat()} → {day.isoformat()}")
    await supervision_plan.replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    return Applied(item.label, [item.created_by, *await _liaisons(ctx, item.lead_org_id)])


async def _petition(ctx: JobContext, item_id: int, field: str, day: date) -> Applied | None:
    item = await ctx.session.get(Petition, item_id)
    running = {
        "forward_due": (PetitionStatus.REGISTERED,),
        "conclude_due": (PetitionStatus.HANDLING,),
        "stage_due": (PetitionStatus.REVIEW, PetitionStatus.RECHECK),
    }
    if item is None or item.status not in running.get(field, ()):
        return None
    setattr(item, field, day)
    await petition_plan.replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    liaisons = await _liaisons(ctx, item.org_id) if field == "conclude_due" else []
    return Applied(item.label, [item.created_by, *liaisons])


async def _proposal(ctx: JobContext, item_id: int, field: str, day: date) -> Applied | None:
    item = await ctx.session.get(Proposal, item_id)
    if item is None or item.status == ProposalStatus.CLOSED or field not in FIELDS:
        return None
    if field == "contact_due" and item.contacted_on is not None:
        return None
    if field == "redo_due" and item.status != ProposalStatus.REDO:
        return None
    setattr(item, field, day)
    await proposal_plan.replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    return Applied(item.label, [item.created_by, *await _liaisons(ctx, item.lead_org_id)])


async def _ticket(ctx: JobContext, item_id: int, field: str, day: date) -> Applied | None:
    ticket = await ctx.session.get(Ticket, item_id)
    if ticket is None or ticket.status not in TICKET_OPEN or ticket.extended_due_at is not None:
        return None
    old = ticket.due_at
    ticket.due_at = end_of_day(day, ctx.tz.tz)
    ticket_log(ticket, "期限调整", ctx.now, f"{ctx.tz.fmt(old)} → {day.isoformat()} 24:00")
    await ticket_plan.replan(ctx.session, ctx.now, ticket, ctx.config, ctx.tz.tz)
    return Applied(ticket.label, await _liaisons(ctx, ticket.lead_org_id))


APPLY: dict[str, Apply] = {
    "supervision": _supervision,
    "petition": _petition,
    "proposal": _proposal,
    "ticket": _ticket,
}

"""One ticket arriving (API or import): store it, flag possible duplicates, say who must act.

The notices themselves are written and queued by handlers/tickets/intake.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import WorkContext
from bot.core.roles import Role
from models.directory import units as org_units
from models.directory.users import users_with_role
from models.tickets.ingest import Outcome, TicketIn, duplicates, upsert
from models.tickets.plan import replan
from models.tickets.records import Status, Ticket, step


@dataclass(frozen=True, slots=True)
class Taken:
    """What became of one ticket."""

    ticket: Ticket
    outcome: Outcome
    similar: tuple[Ticket, ...] = ()
    """Open tickets this new one may duplicate (the 12345 desk is told)."""

    @property
    def created(self) -> bool:
        """A new ticket."""
        return self.outcome == "created"

    @property
    def duplicates(self) -> tuple[str, ...]:
        """The numbers of :attr:`similar`."""
        return tuple(d.number for d in self.similar)


async def take(ctx: WorkContext, item: TicketIn, *, client: str) -> Taken:
    """Create or update by number; a new ticket is checked for duplicates.

    Who is then told: a new ticket's lead unit (:func:`liaisons`, the :func:`desk` when none is
    reachable); possible duplicates, the desk.

    Args:
        ctx: The transaction and clock.
        item: The validated ticket.
        client: Who sent it (API client name or ``import``), kept in the history.
    """
    ticket, outcome = await upsert(
        ctx.session, ctx.now, ctx.config, ctx.tz.tz, item, client=client
    )
    created = outcome == "created"
    dups = await duplicates(ctx.session, ctx.now, ctx.config, ticket) if created else []
    return Taken(ticket, outcome, tuple(dups))


async def liaisons(session: AsyncSession, ticket: Ticket) -> list[int]:
    """The lead unit's liaisons, who sign and answer the ticket."""
    people = await org_units.unit_people(session, ticket.lead_org_id or 0, Role.LIAISON)
    return [p.id for p in people]


async def desk(session: AsyncSession) -> list[int]:
    """The 12345 desk: the supervisors."""
    return [u.id for u in await users_with_role(session, Role.SUPERVISOR)]


async def visit(
    ctx: WorkContext, ticket: Ticket, result: str, resolved: bool | None, actor: str
) -> bool:
    """Record the 回访; 不满意 sends the ticket back to the unit (重办).

    Returns:
        True when it went back: its :func:`liaisons` are to be told (the :func:`desk` when none
        is reachable).
    """
    step(ticket, "回访", ctx.now, result, actor=actor)
    ticket.visit_result = result
    ticket.resolved = resolved
    redo = result == "不满意"
    if redo:
        step(ticket, "重办", ctx.now, "回访不满意，重新办理", actor=actor)
    await replan(ctx.session, ctx.now, ticket, ctx.config, ctx.tz.tz)
    return redo


def close(ctx: WorkContext, ticket: Ticket, actor: str) -> None:
    """办结 (after the reply and, normally, the 回访)."""
    if ticket.status == Status.CLOSED:
        return
    step(ticket, "办结", ctx.now, actor=actor)
    ticket.closed_at = ctx.now


def as_dict(ticket: Ticket, local: Any) -> dict[str, Any]:
    """The API's view of a ticket (caller unmasked: the API client is the hotline itself)."""

    def iso(when: Any) -> str | None:
        return local.local(when).isoformat() if when is not None else None

    return {
        "number": ticket.number,
        "channel": ticket.channel,
        "category": ticket.category,
        "urgency": ticket.urgency,
        "caller_name": ticket.caller_name,
        "caller_phone": ticket.caller_phone,
        "content": ticket.content,
        "address": ticket.address,
        "received_at": iso(ticket.received_at),
        "dispatched_at": iso(ticket.dispatched_at),
        "signed_at": iso(ticket.signed_at),
        "due_at": iso(ticket.due_at),
        "extended_due_at": iso(ticket.extended_due_at),
        "replied_at": iso(ticket.replied_at),
        "closed_at": iso(ticket.closed_at),
        "lead_unit": ticket.lead_org.name if ticket.lead_org else None,
        "co_units": list(ticket.co_orgs),
        "status": ticket.status,
        "return_reason": ticket.return_reason,
        "reply": ticket.reply,
        "visit_result": ticket.visit_result,
        "resolved": ticket.resolved,
        "typical": ticket.typical,
        "merged_into": ticket.merged_into or None,
        "history": [
            {"at": iso(e.at), "action": e.action, "note": e.note, "by": e.actor}
            for e in ticket.events
        ],
    }

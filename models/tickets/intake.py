"""One ticket arriving (API or import): store it, flag possible duplicates, tell who must act."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.context import WorkContext
from bot.core.messages import Button
from bot.core.roles import Role
from models.directory import notify
from models.directory import units as org_units
from models.directory.users import users_with_role
from models.tickets.ingest import Outcome, TicketIn, duplicates, upsert
from models.tickets.plan import due_text, replan
from models.tickets.records import Status, Ticket, step


@dataclass(frozen=True, slots=True)
class Taken:
    """What became of one ticket."""

    ticket: Ticket
    outcome: Outcome
    duplicates: tuple[str, ...]

    @property
    def created(self) -> bool:
        """A new ticket."""
        return self.outcome == "created"


async def take(ctx: WorkContext, item: TicketIn, *, client: str, announce: bool = True) -> Taken:
    """Create or update by number; new tickets go to the unit's liaisons, duplicates to the desk.

    Args:
        ctx: The transaction and clock.
        item: The validated ticket.
        client: Who sent it (API client name or ``import``), kept in the history.
        announce: Queue the 派单 notice and duplicate hint (an import of old tickets may not).
    """
    ticket, outcome = await upsert(
        ctx.session, ctx.now, ctx.config, ctx.tz.tz, item, client=client
    )
    created = outcome == "created"
    dups = await duplicates(ctx.session, ctx.now, ctx.config, ticket) if created else []
    if announce and created and ticket.lead_org_id is not None:
        people = await org_units.unit_people(ctx.session, ticket.lead_org_id, Role.LIAISON)
        staff = [u.id for u in await users_with_role(ctx.session, Role.SUPERVISOR)]
        await notify.tell(
            ctx,
            [p.id for p in people],
            f"📥 新派 12345 {ticket.label}（{ticket.unit}）\n诉求：{ticket.content[:80]}\n"
            f"期限：{due_text(ctx.tz, ticket.deadline)} 前\n请签收：/ticket_sign {ticket.number}",
            key=f"ticket:{ticket.id}:new",
            kind="ticket",
            fallback=staff,
            buttons=(Button("签收", f"/ticket_sign {ticket.number}"),),
        )
    if announce and dups:
        staff = [u.id for u in await users_with_role(ctx.session, Role.SUPERVISOR)]
        lines = [f"🔁 {ticket.label} 可能与在办工单重复："]
        lines += [f"· {d.number}（{d.unit}）{d.content[:30]}" for d in dups]
        lines.append(f"确认后并单：/ticket_merge {ticket.number} {dups[0].number}")
        await notify.tell(
            ctx, staff, "\n".join(lines), key=f"ticket:{ticket.id}:dup", kind="ticket", fallback=[]
        )
    return Taken(ticket, outcome, tuple(d.number for d in dups))


async def visit(
    ctx: WorkContext, ticket: Ticket, result: str, resolved: bool | None, actor: str
) -> None:
    """Record the 回访; 不满意 sends the ticket back to the unit (重办)."""
    step(ticket, "回访", ctx.now, result, actor=actor)
    ticket.visit_result = result
    ticket.resolved = resolved
    if result == "不满意":
        step(ticket, "重办", ctx.now, "回访不满意，重新办理", actor=actor)
        people = await org_units.unit_people(ctx.session, ticket.lead_org_id or 0, Role.LIAISON)
        await notify.tell(
            ctx,
            [p.id for p in people],
            f"↩️ {ticket.label} 回访不满意，请重新办理并回复：/ticket_reply {ticket.number} 结果",
            key=f"ticket:{ticket.id}:{len(ticket.events)}",
            kind="ticket",
            fallback=[u.id for u in await users_with_role(ctx.session, Role.SUPERVISOR)],
        )
    await replan(ctx.session, ctx.now, ticket, ctx.config, ctx.tz.tz)


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

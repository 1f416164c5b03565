"""Telling people about tickets the platform sends (API) or an office imports (CLI): the 派单
notice to the lead unit, the duplicate hint to the 12345 desk, the 重办 notice after a 回访."""

from __future__ import annotations

from bot.core.context import WorkContext
from handlers import notify
from handlers.tickets import cards
from models.deadlines.calendar import WorkCalendar
from models.deadlines.estimates import estimate_note
from models.deadlines.settings import CALENDAR
from models.tickets.intake import Taken, desk, liaisons
from models.tickets.records import Ticket


def _estimated(ctx: WorkContext, ticket: Ticket) -> str | None:
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    return estimate_note(cal, ticket.deadline.astimezone(ctx.tz.tz).date())


async def announce(ctx: WorkContext, taken: Taken) -> None:
    """A new ticket goes to its unit's liaisons (the desk when none is reachable); possible
    duplicates to the desk. Nothing for an update, nor for a ticket with no lead unit yet."""
    ticket = taken.ticket
    if taken.created and ticket.lead_org_id is not None:
        await notify.tell(
            ctx,
            await liaisons(ctx.session, ticket),
            cards.new_ticket(ticket, ctx.tz, _estimated(ctx, ticket)),
            key=f"ticket:{ticket.id}:new",
            kind="ticket",
            fallback=await desk(ctx.session),
        )
    if taken.similar:
        await notify.tell(
            ctx,
            await desk(ctx.session),
            cards.possible_duplicates(taken),
            key=f"ticket:{ticket.id}:dup",
            kind="ticket",
            fallback=[],
        )


async def sent_back(ctx: WorkContext, ticket: Ticket) -> None:
    """A 回访 sent the ticket back (重办): tell its unit, else the desk."""
    await notify.tell(
        ctx,
        await liaisons(ctx.session, ticket),
        cards.sent_back(ticket),
        key=f"ticket:{ticket.id}:{len(ticket.events)}",
        kind="ticket",
        fallback=await desk(ctx.session),
    )

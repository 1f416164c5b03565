"""The driver's reminder before departure, sent only while the booking is still dispatched."""

from __future__ import annotations

from bot.core.jobs import JobContext, JobRegistry
from bot.store.due import ClaimedItem
from handlers import notify
from handlers.vehicles import cards
from models.vehicles.plan import KIND
from models.vehicles.records import Booking, Status

jobs = JobRegistry("vehicles")


@jobs.due(KIND)
async def remind(ctx: JobContext, due_item: ClaimedItem) -> None:
    """Remind the driver; a cancelled or returned booking's reminder says nothing."""
    booking = await ctx.session.get(Booking, int(due_item.payload["booking"]))
    if booking is None or booking.status != Status.ASSIGNED.value or booking.driver is None:
        return
    await notify.tell(
        ctx,
        [booking.driver.user_id],
        cards.reminder(booking, ctx.tz, late=ctx.late),
        key=f"vehicle:{booking.id}:remind:{ctx.scheduled_for}",
        kind="vehicle",
        fallback=[booking.dispatcher_id] if booking.dispatcher_id else None,
    )

"""Broadcast jobs: the acknowledgement loop (re-notify, then escalate) and live summary updates."""

from __future__ import annotations

from bot.core.jobs import JobContext, JobRegistry
from models import broadcast as bc
from models.broadcast_chase import chase
from models.broadcast_send import RENOTIFY
from models.broadcast_summary import SUMMARY, push_summary
from models.due import ClaimedItem

jobs = JobRegistry("broadcast")


@jobs.due(RENOTIFY)
async def renotify(ctx: JobContext, item: ClaimedItem) -> None:
    """One round of chasing the people who have not acknowledged."""
    found = await ctx.session.get(bc.Broadcast, item.payload["broadcast_id"])
    if found is not None:
        await chase(
            ctx.session,
            ctx.now,
            found,
            int(item.payload["round"]),
            config=ctx.config.broadcast,
            tz=ctx.tz,
        )


@jobs.due(SUMMARY)
async def summary(ctx: JobContext, item: ClaimedItem) -> None:
    """Edit the sender's live summary to what stands now."""
    found = await ctx.session.get(bc.Broadcast, item.payload["broadcast_id"])
    if found is not None:
        await push_summary(ctx.session, ctx.now, found, ctx.tz)

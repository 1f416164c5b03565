"""Broadcast jobs: the acknowledgement loop (re-notify, then escalate) and live summary updates.

Each round is a due item: non-ackers are re-notified every N minutes, M times (per level,
``broadcast.levels``), then escalated. A cancelled broadcast's items are cancelled with it.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.jobs import JobContext, JobRegistry
from bot.core.messages import Target
from bot.store import due, outbox
from bot.store.due import ClaimedItem
from handlers.broadcast import cards
from models.broadcast import chase
from models.broadcast import records as bc
from models.broadcast.audience import current_addresses
from models.broadcast.send import RENOTIFY, signers
from models.broadcast.settings import BROADCAST
from models.broadcast.state import RecipientState, progress
from models.broadcast.summary import SUMMARY, last_summary, push_summary, queue_summary

jobs = JobRegistry("broadcast")


async def _escalate(
    ctx: JobContext, broadcast: bc.Broadcast, states: list[RecipientState]
) -> None:
    """Tell each unit leader who in their unit has not acknowledged, and the sender everything."""
    found = await chase.escalate(ctx.session, ctx.now, broadcast, states)
    if found is None:
        return
    for leader, names in found.leaders.items():
        to_leader = cards.escalation_to_leader(broadcast, found, names)
        await chase.tell(ctx.session, ctx.now, broadcast, to_leader, leader=leader)
    to_sender = cards.escalation_to_sender(broadcast, found)
    await chase.tell(ctx.session, ctx.now, broadcast, to_sender)


async def chase_round(ctx: JobContext, broadcast: bc.Broadcast, round_: int) -> None:
    """Run round ``round_`` of the loop: re-notify (rounds 1…M), or escalate (round M+1)."""
    if broadcast.status != bc.BroadcastStatus.ACTIVE.value:
        return  # cancelled: acks are still kept, nobody is chased
    level = BROADCAST.of(ctx.config).levels[broadcast.level_enum.value]
    states = await progress(ctx.session, broadcast.id)
    waiting = [s for s in states if s.waiting]
    if round_ > level.max_renotify:
        await _escalate(ctx, broadcast, states)
    else:
        signed = await signers(ctx.session, broadcast)
        reply = cards.message(broadcast, signed, ctx.tz, round_=round_)
        reach = await current_addresses(ctx.session, [s.recipient for s in waiting])
        for state in waiting:
            state.recipient.renotified = round_
            for target in reach.get(state.recipient.id, []):
                await outbox.enqueue(
                    ctx.session,
                    ctx.now,
                    Target.parse(target),
                    reply,
                    key=f"bcr:{broadcast.id}:{round_}:{target}",
                    priority=outbox.Priority.EMERGENCY,
                    kind="broadcast_renotify",
                    at_most_once=True,
                )
        if waiting or any(s.is_group and s.ack is None for s in states):
            await due.schedule(
                ctx.session,
                ctx.now,
                kind=RENOTIFY,
                due_at=ctx.now + timedelta(minutes=level.renotify_minutes),
                payload={"broadcast_id": broadcast.id, "round": round_ + 1},
                key=f"bc:{broadcast.id}:renotify",
            )
    await queue_summary(ctx.session, ctx.now, broadcast, BROADCAST.of(ctx.config))


@jobs.due(RENOTIFY)
async def renotify(ctx: JobContext, item: ClaimedItem) -> None:
    """One round of chasing the people who have not acknowledged."""
    found = await ctx.session.get(bc.Broadcast, item.payload["broadcast_id"])
    if found is not None:
        await chase_round(ctx, found, int(item.payload["round"]))


@jobs.due(SUMMARY)
async def summary(ctx: JobContext, item: ClaimedItem) -> None:
    """Edit the sender's live summary to what stands now; nothing when nothing changed (a
    restart, or a re-notify round with no new acknowledgement, must not repeat it)."""
    found = await ctx.session.get(bc.Broadcast, item.payload["broadcast_id"])
    if found is not None:
        states = await progress(ctx.session, found.id)
        reply = cards.summary(found, states, ctx.tz, ctx.now)
        if cards.same_summary(reply.text, await last_summary(ctx.session, found)):
            return
        await push_summary(ctx.session, ctx.now, found, reply)

"""The phone rungs of a broadcast's escalation (``broadcast.escalation.ladders``): a due item per
rung texts or calls whoever is still silent at that moment, or the 带班领导 on duty.

Nobody who has acknowledged is reached: the rung reads the acknowledgements when it fires, and
an acknowledgement that comes later withdraws the rows not yet handed to the provider
(models/broadcast/state.py:record_ack). A rung in the level's quiet hours waits until they end.
"""

from __future__ import annotations

from bot.core.jobs import JobContext, JobRegistry
from bot.store.due import ClaimedItem
from handlers.broadcast import cards
from models.broadcast import chase, ladder
from models.broadcast import records as bc
from models.broadcast.settings import BROADCAST
from models.broadcast.state import progress
from models.directory import ladder as shared

jobs = JobRegistry("broadcast-ladder")


@jobs.due(ladder.LADDER)
async def ladder_step(ctx: JobContext, item: ClaimedItem) -> None:
    """One rung: SMS or call to the silent recipients (or the 带班领导), told to the sender."""
    broadcast = await ctx.session.get(bc.Broadcast, item.payload["broadcast_id"])
    if broadcast is None or broadcast.status != bc.BroadcastStatus.ACTIVE.value:
        return  # withdrawn: nobody is chased
    cfg = BROADCAST.of(ctx.config).escalation
    index = int(item.payload["step"])
    steps = cfg.ladders.get(broadcast.level_enum.value, ())
    if index >= len(steps):
        return  # the ladder was shortened since the broadcast went out
    step = steps[index]
    if ladder.quiet_until(cfg, broadcast.level, ctx.now, ctx.tz) is not None:
        await shared.wait_out_quiet(
            ctx.session,
            ctx.now,
            ctx.tz,
            cfg.quiet_hours,
            kind=ladder.LADDER,
            key=ladder.due_key(broadcast.id, index),
            payload=dict(item.payload),
        )
        return
    states = await progress(ctx.session, broadcast.id)
    waiting = [s.recipient.user_id for s in states if s.waiting and s.recipient.user_id]
    if not waiting:
        return  # everyone has acknowledged: nothing is sent
    people = await ladder.people(ctx.session, ctx.now, step, waiting)
    reached = await shared.fire(
        ctx.session,
        ctx.now,
        ctx.config.platforms,
        ladder.rung(broadcast, index, step, len(waiting), cfg),
        [shared.person(u) for u in people],
    )
    notice = cards.ladder_notice(broadcast, step, reached, reached.problem)
    if notice is not None:
        await chase.tell(ctx.session, ctx.now, broadcast, notice, topic=f"bcl{index}")

"""Duty's phone rungs (``duty.escalation``): a missed check-in, an unanswered 查岗 or 县级查岗
texted or called at each rung's time, to whoever is still silent or to the 带班领导 on duty.

A rung finds nothing to do once the answer came (its due item was cancelled with the chase,
and it re-reads the answer); one in its ladder's quiet hours waits until they end. Whoever
could not be reached — no phone on file, a landline for SMS, the daily limit, no 带班领导, a
template that does not fit — is named to the admins in chat, never skipped silently.
"""

from __future__ import annotations

from bot.core.jobs import JobContext, JobRegistry
from bot.store.due import ClaimedItem
from handlers.duty import cards
from models.directory import ladder
from models.duty import due as duty_due
from models.duty import notify as duty_notify
from models.duty import phone as duty_phone
from models.duty import rollcall as duty_rollcall
from models.duty import unitcheck
from models.duty.records import DutySlot
from models.duty.settings import DUTY, DutyLadder
from schedules.duty.jobs import reach

jobs = JobRegistry("duty-phone")


async def _held(ctx: JobContext, item: ClaimedItem, which: DutyLadder, key: str) -> bool:
    """Whether the rung waits out its ladder's quiet hours (moved to their end)."""
    quiet = DUTY.of(ctx.config).escalation.quiet_for(which)
    return await ladder.wait_out_quiet(
        ctx.session, ctx.now, ctx.tz, quiet, kind=item.kind, key=key, payload=item.payload
    )


async def _fire(ctx: JobContext, item: ClaimedItem, chase: duty_phone.Chase) -> None:
    """Send the rung; tell the admins whom it could not reach (or why it sent nothing)."""
    reached = await ladder.fire(
        ctx.session, ctx.now, ctx.config.platforms, chase.rung, chase.callees
    )
    notice = cards.phone_notice(chase.rung, reached)
    if notice is not None:
        admins = await duty_notify.admin_ids(ctx.session)
        await reach(ctx, admins, notice, f"due:{item.id}", urgent=True)


@jobs.due(duty_due.CHECKIN_PHONE)
async def checkin_rung(ctx: JobContext, item: ClaimedItem) -> None:
    """No check-in this long after the shift start: text or call the missing officers."""
    cfg = DUTY.of(ctx.config).escalation
    slot = await ctx.session.get(DutySlot, item.payload["slot_id"])
    index = int(str(item.payload["step"]).removeprefix("phone"))
    if slot is None or index >= len(cfg.checkin):
        return  # the slot was removed, or the ladder shortened since it was planned
    key = duty_due.item_key(slot.id, item.kind, str(item.payload["step"]))
    if await _held(ctx, item, "checkin", key):
        return
    chase = await duty_phone.checkin(ctx.session, ctx.now, ctx.tz, cfg, slot, index)
    if chase is not None:
        await _fire(ctx, item, chase)


@jobs.due(duty_rollcall.PHONE)
async def rollcall_rung(ctx: JobContext, item: ClaimedItem) -> None:
    """A 查岗 still unanswered: text or call the officer (or the 带班领导)."""
    cfg = DUTY.of(ctx.config).escalation
    call = await ctx.session.get(duty_rollcall.RollCall, item.payload["rollcall_id"])
    index = int(item.payload["step"])
    if call is None or call.answered_at is not None or index >= len(cfg.rollcall):
        return
    if await _held(ctx, item, "rollcall", duty_rollcall.phone_key(call.id, index)):
        return
    await _fire(
        ctx, item, await duty_phone.rollcall(ctx.session, ctx.now, ctx.tz, cfg, call, index)
    )


@jobs.due(unitcheck.PHONE)
async def unitcheck_rung(ctx: JobContext, item: ClaimedItem) -> None:
    """A unit still without 「在岗」: call its 值班电话 or its people (or the 带班领导)."""
    cfg = DUTY.of(ctx.config).escalation
    check = await ctx.session.get(unitcheck.UnitCheck, item.payload["check_id"])
    index = int(item.payload["step"])
    if check is None or check.answered_at is not None or index >= len(cfg.unitcheck):
        return
    if await _held(ctx, item, "unitcheck", unitcheck.phone_key(check.id, index)):
        return
    chase = await duty_phone.unitcheck(ctx.session, ctx.now, ctx.tz, cfg, check, index)
    await _fire(ctx, item, chase)

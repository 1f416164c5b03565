"""Roll calls over time: random 查岗 planned each night within the configured windows, and the
escalation of an unanswered one (带班领导, then admins)."""

from __future__ import annotations

import random
from datetime import datetime, time

from bot.core.jobs import JobContext, JobRegistry
from bot.store import due
from bot.store.due import ClaimedItem
from handlers.duty import cards
from models.duty import notify as duty_notify
from models.duty import records as duty
from models.duty import rollcall as duty_rollcall
from models.duty import unitcheck
from models.duty.settings import DUTY
from schedules.duty.jobs import reach

jobs = JobRegistry("duty-rollcall")
RANDOM = "duty-rollcall-random"
_chance = random.SystemRandom()  # nobody on duty should be able to predict a spot check


def random_times(
    windows: tuple[str, ...], count: int, pick: random.Random
) -> list[tuple[time, time]]:
    """``count`` (window start, window end) pairs chosen at random from ``windows``."""
    pairs = []
    for window in windows:
        start, _, end = window.partition("-")
        pairs.append((time.fromisoformat(start), time.fromisoformat(end)))
    return [pick.choice(pairs) for _ in range(count)] if pairs else []


@jobs.cron("duty-rollcall-plan", "5 0 * * *", help="每天随机安排查岗时间（在配置的时段内）")
async def plan_random(ctx: JobContext) -> None:
    """Schedule today's random roll calls as due items."""
    cfg = DUTY.of(ctx.config).rollcall
    for n, (start, end) in enumerate(random_times(cfg.windows, cfg.random_per_day, _chance)):
        first = datetime.combine(ctx.today, start, tzinfo=ctx.tz.tz)
        last = datetime.combine(ctx.today, end, tzinfo=ctx.tz.tz)
        when = first + (last - first) * _chance.random()
        if when <= ctx.now:
            continue
        await due.schedule(
            ctx.session,
            ctx.now,
            kind=RANDOM,
            due_at=when,
            payload={"n": n},
            key=f"duty:rollcall-random:{ctx.today}:{n}",
        )


@jobs.due(RANDOM)
async def random_rollcall(ctx: JobContext, item: ClaimedItem) -> None:
    """A spot check of whoever is on duty now (nothing to do when nobody is)."""
    cfg, rungs = DUTY.of(ctx.config).rollcall, DUTY.of(ctx.config).escalation.rollcall
    for call in await duty_rollcall.call_on_duty(ctx.session, ctx.now, cfg, None, rungs=rungs):
        question = cards.rollcall_question(call, cfg.answer_minutes, ctx.tz, ctx.now)
        await duty_rollcall.ask(ctx.session, ctx.now, call, question)


@jobs.due(duty_rollcall.ESCALATE)
async def unanswered(ctx: JobContext, item: ClaimedItem) -> None:
    """No 「到」 in time: tell the 带班领导 (and the leader who asked), later the admins."""
    call = await ctx.session.get(duty_rollcall.RollCall, item.payload["rollcall_id"])
    if call is None or call.answered_at is not None:
        return
    tier = item.payload["tier"]
    call.escalated = tier
    alert = cards.rollcall_unanswered(call, ctx.tz, ctx.now)
    if tier == "leader":
        slot = await ctx.session.get(duty.DutySlot, call.slot_id)
        people = [slot.leader_id if slot else None, call.by_user_id]
        if not any(people):
            people = list(await duty_notify.leader_ids(ctx.session))
        await reach(ctx, people, alert, f"due:{item.id}", urgent=True)
    else:
        admins = await duty_notify.admin_ids(ctx.session)
        await reach(ctx, admins, alert, f"due:{item.id}", urgent=True)


@jobs.due(unitcheck.ESCALATE)
async def unit_unanswered(ctx: JobContext, item: ClaimedItem) -> None:
    """A unit gave no 「在岗」 in time: tell whoever asked (the 带班领导s when a job asked)."""
    check = await ctx.session.get(unitcheck.UnitCheck, item.payload["check_id"])
    if check is None or check.answered_at is not None:
        return
    people = [check.by_user_id] if check.by_user_id else await duty_notify.leader_ids(ctx.session)
    alert = cards.unit_unanswered(check, ctx.tz, ctx.now)
    await reach(ctx, list(people), alert, f"due:{item.id}", urgent=True)

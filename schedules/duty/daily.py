"""The 值班日报 at the end of each shift: a due item per roster slot at its end (planned with
the slot's other items, ``models/duty/due.py``) collects the slot's log, incidents, reports and
handovers and pushes them, text and .docx, to the leaders.

The outbox key is the slot's (``duty:daily:<slot id>``): a run repeated after a restart or a
takeover finds its rows already queued and sends nothing twice.
"""

from __future__ import annotations

from bot.core.jobs import JobContext, JobRegistry
from bot.store.due import ClaimedItem
from handlers.duty import cards
from models.duty import daily as duty_daily
from models.duty import notify as duty_notify
from models.duty.bulletin_settings import BULLETIN
from models.duty.due import DAILY
from models.duty.records import DutySlot
from schedules.duty.jobs import reach

jobs = JobRegistry("duty-daily")


def key(slot_id: int) -> str:
    """The idempotency key of a slot's 值班日报 (one per shift)."""
    return f"duty:daily:{slot_id}"


@jobs.due(DAILY)
async def shift_report(ctx: JobContext, item: ClaimedItem) -> None:
    """The ended slot's 值班日报 to every leader (the admins when none can be reached)."""
    cfg = BULLETIN.of(ctx.config)
    slot = await ctx.session.get(DutySlot, item.payload["slot_id"])
    if slot is None or not cfg.daily_report:
        return
    report = await duty_daily.for_slot(ctx.session, slot)
    reply = cards.daily_reply(report, cfg.issuer, cfg.daily_masthead, ctx.tz)
    leaders = await duty_notify.leader_ids(ctx.session)
    await reach(ctx, [*leaders, slot.leader_id], reply, key(slot.id))

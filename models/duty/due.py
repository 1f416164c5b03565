"""The due items of a roster slot: day-before, shift-start and shift-end reminders, and the
missed check-in escalations. Every roster edit or swap re-plans them from the slot."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import LocalTime
from bot.store import due
from models.duty.records import DutySlot
from models.duty.settings import DutyConfig

REMIND = "duty-remind"
CHECKIN = "duty-checkin"
DAILY = "duty-daily"  # the 值班日报 at the slot's end (schedules/duty/daily.py)


def slot_prefix(slot_id: int) -> str:
    """Key prefix of every due item belonging to one slot."""
    return f"duty:{slot_id}:"


def plan(cfg: DutyConfig, tz: LocalTime, slot: DutySlot) -> list[tuple[str, str, datetime]]:
    """(kind, step, when) of each item a slot needs."""
    eve = datetime.combine(slot.day - timedelta(days=1), cfg.day_before_at, tzinfo=tz.tz)
    return [
        (REMIND, "day-before", eve),
        (REMIND, "start", slot.start_at - timedelta(minutes=cfg.remind_before_start_minutes)),
        (REMIND, "end", slot.end_at - timedelta(minutes=cfg.remind_before_end_minutes)),
        (CHECKIN, "leader", slot.start_at + timedelta(minutes=cfg.checkin_leader_minutes)),
        (CHECKIN, "admin", slot.start_at + timedelta(minutes=cfg.checkin_admin_minutes)),
        (DAILY, "daily", slot.end_at),
    ]


async def replan(
    session: AsyncSession, now: datetime, cfg: DutyConfig, tz: LocalTime, slot: DutySlot
) -> int:
    """Cancel the slot's pending items and schedule the ones still ahead; returns how many."""
    await due.cancel(session, slot_prefix(slot.id))
    count = 0
    for kind, step, when in plan(cfg, tz, slot):
        if when <= now:
            continue  # an edit during the shift does not replay reminders already past
        await due.schedule(
            session,
            now,
            kind=kind,
            due_at=when,
            payload={"slot_id": slot.id, "step": step},
            key=f"{slot_prefix(slot.id)}{kind}:{step}",
        )
        count += 1
    return count


async def drop(session: AsyncSession, slot_id: int) -> None:
    """Cancel everything a removed slot had pending."""
    await due.cancel(session, slot_prefix(slot_id))


async def checked_in(session: AsyncSession, slot_id: int) -> None:
    """The officers checked in: the missed check-in escalations are no longer needed."""
    await due.cancel(session, f"{slot_prefix(slot_id)}{CHECKIN}:")


async def escalations(
    session: AsyncSession,
    now: datetime,
    *,
    kind: str,
    prefix: str,
    payload: dict[str, Any],
    tiers: dict[str, int],
) -> None:
    """One due item per escalation tier (``{"leader": 10, "admin": 20}`` minutes from now),
    keyed ``prefix + tier`` so that cancelling ``prefix`` stops them all."""
    for tier, minutes in tiers.items():
        await due.schedule(
            session,
            now,
            kind=kind,
            due_at=now + timedelta(minutes=minutes),
            payload={**payload, "tier": tier},
            key=f"{prefix}{tier}",
        )

"""The due items of a roster slot: day-before, shift-start and shift-end reminders, and the
missed check-in escalations (chat, and the phone rungs of ``duty.escalation.checkin``). Every
roster edit or swap re-plans them from the slot."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import LocalTime
from bot.store import due
from models.directory import ladder
from models.duty.records import DutySlot
from models.duty.settings import DutyConfig

REMIND = "duty-remind"
CHECKIN = "duty-checkin"
CHECKIN_PHONE = "duty-checkin-phone"  # schedules/duty/phone.py
DAILY = "duty-daily"  # the 值班日报 at the slot's end (schedules/duty/daily.py)


def slot_prefix(slot_id: int) -> str:
    """Key prefix of every due item belonging to one slot."""
    return f"duty:{slot_id}:"


def phone_prefix(slot_id: int) -> str:
    """Key prefix of the SMS and calls of a slot's missed check-in."""
    return f"{slot_prefix(slot_id)}phone:"


def item_key(slot_id: int, kind: str, step: str) -> str:
    """The key of one of a slot's due items."""
    return f"{slot_prefix(slot_id)}{kind}:{step}"


def plan(cfg: DutyConfig, tz: LocalTime, slot: DutySlot) -> list[tuple[str, str, datetime]]:
    """(kind, step, when) of each item a slot needs."""
    eve = datetime.combine(slot.day - timedelta(days=1), cfg.day_before_at, tzinfo=tz.tz)
    rungs = [
        (CHECKIN_PHONE, f"phone{i}", slot.start_at + timedelta(minutes=step.after_minutes))
        for i, step in enumerate(cfg.escalation.checkin)
    ]
    return [
        *rungs,
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
            key=item_key(slot.id, kind, step),
        )
        count += 1
    return count


async def drop(session: AsyncSession, slot_id: int) -> None:
    """Cancel everything a removed slot had pending."""
    await due.cancel(session, slot_prefix(slot_id))


async def checked_in(session: AsyncSession, slot_id: int, user_id: int, everyone: bool) -> None:
    """An officer checked in: nothing more goes to them by phone; once ``everyone`` has, the
    missed check-in escalations are no longer needed (nor the 带班领导's calls)."""
    await ladder.withdraw(session, ladder.own_key(phone_prefix(slot_id), user_id))
    if everyone:
        await due.cancel(session, f"{slot_prefix(slot_id)}{CHECKIN}:")
        await due.cancel(session, f"{slot_prefix(slot_id)}{CHECKIN_PHONE}:")
        await ladder.withdraw(session, phone_prefix(slot_id))


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

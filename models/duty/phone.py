"""Duty's phone rungs (``duty.escalation``): whom a rung of a missed check-in, an unanswered 查岗
or 县级查岗 reaches and what its template says; the shared ladder (models/directory/ladder.py)
sends, limits and counts.

Each chase has its keys: due items under the slot's, roll call's or check's own prefix (so
that the answer, which cancels that prefix, stops the rungs to come) and outbox rows under
``…phone:`` (which the answer withdraws, one claimed but not yet sent too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import phone_messages
from bot.core.clock import LocalTime
from models.directory import ladder
from models.directory.ladder import Callee, Rung
from models.directory.users import User
from models.duty import due as duty_due
from models.duty import shift as duty_shift
from models.duty.records import DutySlot, slots_at
from models.duty.rollcall import RollCall
from models.duty.rollcall import phone_prefix as rollcall_prefix
from models.duty.settings import DutyEscalation
from models.duty.unitcheck import UnitCheck
from models.duty.unitcheck import phone_prefix as unit_prefix


@dataclass(frozen=True, slots=True)
class Chase:
    """A rung ready to fire: the rung and whom it reaches (empty: nobody left to reach)."""

    rung: Rung
    callees: list[Callee]


async def leaders_on_duty(session: AsyncSession, now: datetime) -> list[User]:
    """The 带班领导 of the shifts running now (active ones)."""
    leaders = {s.leader.id: s.leader for s in await slots_at(session, now) if s.leader}
    return [u for u in leaders.values() if u.active]


async def _leaders(session: AsyncSession, now: datetime, slot: DutySlot | None) -> list[Callee]:
    """The slot's own 带班领导, else whoever leads a shift running now."""
    if slot is not None and slot.leader is not None and slot.leader.active:
        return [ladder.person(slot.leader)]
    return [ladder.person(u) for u in await leaders_on_duty(session, now)]


def _rung(
    cfg: DutyEscalation, topic: str, prefix: str, index: int, values: dict[str, str]
) -> Rung:
    step = getattr(cfg, topic)[index]
    values = {**values, "minutes": str(step.after_minutes)}
    return Rung(topic, prefix, index, step, values, cfg.max_per_person_per_day)


async def checkin(
    session: AsyncSession,
    now: datetime,
    tz: LocalTime,
    cfg: DutyEscalation,
    slot: DutySlot,
    index: int,
) -> Chase | None:
    """Rung ``index`` of a missed check-in; None once every officer has checked in."""
    done = await duty_shift.checked_in_ids(session, slot.id)
    missing = [u for u in slot.officers if u.id not in done]
    if not missing:
        return None
    values = {
        "names": "、".join(u.name for u in missing),
        "shift": slot.shift,
        "start": tz.local(slot.start_at).strftime("%H:%M"),
    }
    rung = _rung(cfg, "checkin", duty_due.phone_prefix(slot.id), index, values)
    if rung.leader:
        return Chase(rung, await _leaders(session, now, slot))
    return Chase(rung, [ladder.person(u) for u in missing if u.active])


async def rollcall(
    session: AsyncSession,
    now: datetime,
    tz: LocalTime,
    cfg: DutyEscalation,
    call: RollCall,
    index: int,
) -> Chase:
    """Rung ``index`` of an unanswered 查岗: the officer asked, or the 带班领导."""
    values = {"name": call.user.name, "asked": tz.local(call.asked_at).strftime("%H:%M")}
    rung = _rung(cfg, "rollcall", rollcall_prefix(call.id), index, values)
    if rung.leader:
        return Chase(rung, await _leaders(session, now, await session.get(DutySlot, call.slot_id)))
    return Chase(rung, [ladder.person(call.user)])


def _reaches(phone: str, by: str) -> bool:
    try:
        phone_messages.e164(phone, by)
    except ValueError:
        return False
    return True


async def unitcheck(
    session: AsyncSession,
    now: datetime,
    tz: LocalTime,
    cfg: DutyEscalation,
    check: UnitCheck,
    index: int,
) -> Chase:
    """Rung ``index`` of an unanswered 县级查岗: the unit's 值班电话 when this channel reaches
    it, else the people asked (its 联络员); or the 带班领导 on duty."""
    values = {"unit": check.org.name, "asked": tz.local(check.asked_at).strftime("%H:%M")}
    rung = _rung(cfg, "unitcheck", unit_prefix(check.id), index, values)
    if rung.leader:
        return Chase(rung, await _leaders(session, now, None))
    line = ladder.unit_line(check.org, check.phone) if check.phone else None
    if line is not None and _reaches(line.phone, rung.step.by):
        return Chase(rung, [line])
    asked = check.asked_ids or []
    found = await session.scalars(select(User).where(User.id.in_(asked)).order_by(User.id))
    people = [ladder.person(u) for u in found if u.active]
    # Nobody to try still goes through as a callee without a phone: the admins hear of it.
    return Chase(rung, people or [line or ladder.unit_line(check.org, "")])

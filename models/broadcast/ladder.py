"""The phone rungs of a broadcast's escalation: SMS and voice calls to whoever is still silent.

Each rung of ``broadcast.escalation.ladders.<级别>`` is a due item set when the broadcast is
sent (:func:`plan`); when it fires, the shared ladder (models/directory/ladder.py) queues one
templated SMS or call per silent person (or per 带班领导 on duty) under ``bcx:<id>:``, which an
acknowledgement withdraws (:func:`withdraw_for`). This module says only what is particular to
broadcasts: which level has which ladder and quiet hours, whom a rung reaches, what it says.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import phone_messages
from bot.core.clock import LocalTime
from models.broadcast import records as bc
from models.broadcast.settings import LadderStep, PhoneEscalation
from models.directory import ladder as shared
from models.directory import phone_contacts
from models.directory.ladder import Reached
from models.directory.ladder_settings import quiet_until as quiet_span
from models.directory.phone_contacts import PhoneContact, monthly_counts
from models.directory.users import User
from models.duty.phone import leaders_on_duty

__all__ = ["PhoneContact", "Reached", "monthly_counts"]

LADDER = "broadcast.ladder"


def key_prefix(broadcast_id: int, user_id: int | None = None) -> str:
    """Keys of a broadcast's phone rows (of one recipient's when ``user_id`` is given)."""
    return shared.own_key(f"bcx:{broadcast_id}:", user_id)


def due_key(broadcast_id: int, index: int) -> str:
    """The due item of one rung."""
    return f"bc:{broadcast_id}:ladder:{index}"


async def plan(
    session: AsyncSession, now: datetime, broadcast: bc.Broadcast, cfg: PhoneEscalation
) -> None:
    """One due item per rung of the broadcast's level (none when it has no ladder)."""
    await shared.plan(
        session,
        now,
        cfg.ladders.get(broadcast.level_enum.value, ()),
        kind=LADDER,
        key=f"bc:{broadcast.id}:ladder:",
        payload={"broadcast_id": broadcast.id},
    )


def quiet_until(cfg: PhoneEscalation, level: str, now: datetime, tz: LocalTime) -> datetime | None:
    """When the quiet hours end, if ``now`` is inside them for this level; else None."""
    return quiet_span(cfg.quiet_hours, now, tz) if level in cfg.quiet_levels else None


def fields(broadcast: bc.Broadcast, step: LadderStep, waiting: int) -> dict[str, str]:
    """Every value a ladder template may use (settings.LADDER_FIELDS)."""
    return {
        "title": broadcast.scope,
        "level": broadcast.level_enum.label,
        "minutes": str(step.after_minutes),
        "waiting": str(waiting),
        "code": broadcast.code,
    }


def rung(
    broadcast: bc.Broadcast, index: int, step: LadderStep, waiting: int, cfg: PhoneEscalation
) -> shared.Rung:
    """The rung as the shared ladder fires it."""
    return shared.Rung(
        topic="broadcast",
        prefix=key_prefix(broadcast.id),
        index=index,
        step=step,
        values=fields(broadcast, step, waiting),
        limit=cfg.max_per_person_per_day,
        broadcast_id=broadcast.id,
    )


async def people(
    session: AsyncSession, now: datetime, step: LadderStep, waiting: list[int]
) -> list[User]:
    """Whom the rung reaches: the silent recipients, or the 带班领导 on duty now."""
    if step.to == "duty_leader":
        return await leaders_on_duty(session, now)
    if not waiting:
        return []
    found = await session.scalars(select(User).where(User.id.in_(waiting)).order_by(User.id))
    return [u for u in found if u.active]


async def contacts_since(session: AsyncSession, user_id: int, since: datetime) -> int:
    """SMS and calls queued to ``user_id`` since then, by every ladder (the per-person limit)."""
    return await phone_contacts.contacts_since(session, phone_messages.address(user_id), since)


async def withdraw_for(session: AsyncSession, broadcast_id: int, user_id: int | None) -> int:
    """Cancel the phone rows not yet handed to the provider: one person's, or all of them."""
    return await shared.withdraw(session, key_prefix(broadcast_id, user_id))


async def pending(session: AsyncSession, broadcast_id: int) -> bool:
    """Whether any of the broadcast's phone rows could still be withdrawn."""
    return await shared.pending(session, key_prefix(broadcast_id))

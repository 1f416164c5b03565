"""Shift changes: 接班 check-ins, 交班 handovers with pending items, and the 确认接班 that closes
them. Both times are recorded; an unconfirmed handover escalates through due items."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.errors import UserError
from bot.store import due
from bot.store.base import Base
from models.directory.users import User
from models.duty import due as duty_due
from models.duty.records import DutySlot
from models.duty.settings import DutyConfig

HANDOVER = "duty-handover"


class DutyCheckin(Base):
    """One 值班员 arriving for a slot (接班)."""

    __tablename__ = "duty_checkins"
    __table_args__ = (UniqueConstraint("slot_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("duty_slots.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]


class DutyHandover(Base):
    """The outgoing slot's 交班 record and the incoming officer's confirmation."""

    __tablename__ = "duty_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("duty_slots.id"), unique=True)
    next_slot_id: Mapped[int | None] = mapped_column(ForeignKey("duty_slots.id"), index=True)
    by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]
    pending: Mapped[str] = mapped_column(Text, default="")
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)

    by_user: Mapped[User] = relationship(foreign_keys=[by_user_id], lazy="joined")


def handover_prefix(handover_id: int) -> str:
    """Key prefix of a handover's escalations."""
    return f"duty:handover:{handover_id}:"


async def checked_in_ids(session: AsyncSession, slot_id: int) -> set[int]:
    """Officers of the slot who have checked in."""
    rows = await session.scalars(select(DutyCheckin.user_id).where(DutyCheckin.slot_id == slot_id))
    return set(rows)


async def check_in(session: AsyncSession, slot: DutySlot, user_id: int, now: datetime) -> bool:
    """Record the check-in; True when every officer of the slot is now in.

    Raises:
        UserError: already checked in for this slot.
    """
    done = await checked_in_ids(session, slot.id)
    if user_id in done:
        raise UserError("您已接班，无需重复操作。交班时发送 /handover 遗留事项。")
    session.add(DutyCheckin(slot_id=slot.id, user_id=user_id, at=now))
    await session.flush()
    if set(slot.officer_ids) <= done | {user_id}:
        await duty_due.checked_in(session, slot.id)
        return True
    return False


async def hand_over(
    session: AsyncSession,
    now: datetime,
    cfg: DutyConfig,
    slot: DutySlot,
    following: DutySlot | None,
    user_id: int,
    pending: str,
) -> DutyHandover:
    """Record the 交班 (or update its pending items) and plan escalations until confirmed."""
    record = await session.scalar(select(DutyHandover).where(DutyHandover.slot_id == slot.id))
    if record is not None and record.confirmed_at is not None:
        raise UserError("本班已交接完毕（接班人已确认），不能再修改。")
    if record is None:
        record = DutyHandover(slot_id=slot.id, by_user_id=user_id, at=now)
        session.add(record)
    record.next_slot_id = following.id if following else None
    record.pending, record.at, record.by_user_id = pending, now, user_id
    await session.flush()
    await duty_due.escalations(
        session,
        now,
        kind=HANDOVER,
        prefix=handover_prefix(record.id),
        payload={"handover_id": record.id},
        tiers={"leader": cfg.handover_leader_minutes, "admin": cfg.handover_admin_minutes},
    )
    return record


async def awaiting(session: AsyncSession, next_slot_id: int) -> DutyHandover | None:
    """The unconfirmed handover addressed to a slot."""
    return await session.scalar(
        select(DutyHandover).where(
            DutyHandover.next_slot_id == next_slot_id, DutyHandover.confirmed_at.is_(None)
        )
    )


async def take_over(
    session: AsyncSession, record: DutyHandover, user_id: int, now: datetime
) -> None:
    """Confirm a handover; its escalations stop."""
    record.confirmed_by, record.confirmed_at = user_id, now
    await due.cancel(session, handover_prefix(record.id))
    await session.flush()

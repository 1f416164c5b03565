"""Shift changes: 接班 check-ins, 交班 handovers with pending items, and the 确认接班 that closes
them. Both times are recorded; an unconfirmed handover escalates through due items."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.errors import UserError
from bot.store import due
from bot.store.base import Base
from models.directory.users import User
from models.duty import due as duty_due
from models.duty.records import DutyOfficer, DutySlot
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
    early_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    """Why it came before ``duty.handover_window_minutes`` before the end (带班领导 told)."""

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
    everyone = set(slot.officer_ids) <= done | {user_id}
    await duty_due.checked_in(session, slot.id, user_id, everyone)
    return everyone


async def hand_over(
    session: AsyncSession,
    now: datetime,
    cfg: DutyConfig,
    slot: DutySlot,
    following: DutySlot | None,
    user_id: int,
    pending: str,
    early_reason: str | None = None,
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
    record.early_reason = early_reason
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


def early_by(cfg: DutyConfig, slot: DutySlot, now: datetime) -> timedelta | None:
    """How long before the handover window (``duty.handover_window_minutes`` before the slot
    ends) ``now`` is; None when the 交班 is not early."""
    opens = slot.end_at - timedelta(minutes=cfg.handover_window_minutes)
    return opens - now if now < opens else None


async def awaiting_for(
    session: AsyncSession, user_id: int, now: datetime
) -> tuple[DutyHandover, DutySlot] | None:
    """The oldest unconfirmed handover to a slot not yet ended in which ``user_id`` is 值班员,
    however far off that slot starts (the 确认接班 button works at once)."""
    query = (
        select(DutyHandover, DutySlot)
        .join(DutySlot, DutySlot.id == DutyHandover.next_slot_id)
        .join(DutyOfficer, DutyOfficer.slot_id == DutySlot.id)
        .where(
            DutyOfficer.user_id == user_id,
            DutyHandover.confirmed_at.is_(None),
            DutySlot.end_at > now,
        )
        .order_by(DutySlot.start_at)
        .limit(1)
    )
    found = (await session.execute(query)).first()
    return (found[0], found[1]) if found else None


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

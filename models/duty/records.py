"""The duty roster: one slot per (date, shift) with its 带班领导, 值班员, 备班 and duty phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.clock import LocalTime
from bot.core.errors import UserError
from bot.store.base import Base
from models.directory.users import User
from models.duty.settings import DutyConfig


class DutySlot(Base):
    """One shift on one day; start and end are stored so "who is on duty now" is one query."""

    __tablename__ = "duty_slots"
    __table_args__ = (UniqueConstraint("day", "shift"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    shift: Mapped[str] = mapped_column(String(20))
    start_at: Mapped[datetime] = mapped_column(index=True)
    end_at: Mapped[datetime]
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    backup_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    phone: Mapped[str | None] = mapped_column(String(30), default=None)
    updated_at: Mapped[datetime]

    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id], lazy="joined")
    backup: Mapped[User | None] = relationship(foreign_keys=[backup_id], lazy="joined")
    officer_rows: Mapped[list[DutyOfficer]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DutyOfficer.position"
    )

    @property
    def officers(self) -> list[User]:
        """值班员 in roster order."""
        return [row.user for row in self.officer_rows]

    @property
    def officer_ids(self) -> list[int]:
        """Ids of the 值班员."""
        return [row.user_id for row in self.officer_rows]

    def describe(self, tz: LocalTime, *, with_day: bool = True) -> str:
        """``11-26 全天 08:30—次日08:30 带班：李明 值班：张三 备班：赵丽 电话：…``."""
        start, end = tz.local(self.start_at), tz.local(self.end_at)
        until = end.strftime("%H:%M") if end.date() == start.date() else end.strftime("次日%H:%M")
        day = f"{self.day:%m-%d} " if with_day else ""
        parts = [
            f"{day}{self.shift} {start:%H:%M}—{until}",
            f"带班：{self.leader.name if self.leader else '未排'}",
            f"值班：{'、'.join(u.name for u in self.officers) or '未排'}",
        ]
        if self.backup:
            parts.append(f"备班：{self.backup.name}")
        if self.phone:
            parts.append(f"电话：{self.phone}")
        return " ".join(parts)


class DutyOfficer(Base):
    """One 值班员 of a slot."""

    __tablename__ = "duty_officers"

    slot_id: Mapped[int] = mapped_column(ForeignKey("duty_slots.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship(lazy="joined")


@dataclass(frozen=True, slots=True)
class SlotSpec:
    """A slot as a roster file or the generator describes it, with people already resolved."""

    day: date
    shift: str
    leader_id: int | None
    officer_ids: tuple[int, ...]
    backup_id: int | None = None
    phone: str | None = None


def window(cfg: DutyConfig, tz: LocalTime, day: date, shift: str) -> tuple[datetime, datetime]:
    """Start and end (aware UTC) of ``shift`` on ``day``."""
    try:
        spec = cfg.shift(shift)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    start = datetime.combine(day, spec.start, tzinfo=tz.tz)
    end = datetime.combine(day, spec.end, tzinfo=tz.tz)
    if end <= start:
        end += timedelta(days=1)
    return start.astimezone(UTC), end.astimezone(UTC)


async def slots_between(session: AsyncSession, first: date, last: date) -> list[DutySlot]:
    """Slots from ``first`` to ``last`` inclusive, by start time."""
    query = (
        select(DutySlot)
        .where(DutySlot.day >= first, DutySlot.day <= last)
        .order_by(DutySlot.start_at, DutySlot.shift)
    )
    return list(await session.scalars(query))


async def slots_at(session: AsyncSession, when: datetime) -> list[DutySlot]:
    """Slots running at ``when``."""
    query = (
        select(DutySlot)
        .where(DutySlot.start_at <= when, DutySlot.end_at > when)
        .order_by(DutySlot.start_at)
    )
    return list(await session.scalars(query))


async def officer_slot(
    session: AsyncSession,
    user_id: int,
    *,
    starts_by: datetime,
    ends_after: datetime,
    latest: bool = False,
) -> DutySlot | None:
    """A slot of officer ``user_id`` starting by ``starts_by`` and ending after ``ends_after``:
    the earliest such slot (接班: the one starting now or soon), or the latest (交班)."""
    order = DutySlot.start_at.desc() if latest else DutySlot.start_at
    query = (
        select(DutySlot)
        .join(DutyOfficer)
        .where(
            DutyOfficer.user_id == user_id,
            DutySlot.start_at <= starts_by,
            DutySlot.end_at > ends_after,
        )
        .order_by(order)
    )
    return (await session.scalars(query)).first()


async def next_slot(session: AsyncSession, after: DutySlot) -> DutySlot | None:
    """The slot taking over from ``after``: the first one starting when it ends or later."""
    query = (
        select(DutySlot)
        .where(DutySlot.start_at >= after.end_at - timedelta(minutes=1), DutySlot.id != after.id)
        .order_by(DutySlot.start_at)
        .limit(1)
    )
    return (await session.scalars(query)).first()


async def upcoming_for(
    session: AsyncSession, user_id: int, since: datetime, limit: int = 10
) -> list[DutySlot]:
    """Slots not yet ended in which ``user_id`` is 值班员, 带班领导 or 备班."""
    officer = select(DutyOfficer.slot_id).where(DutyOfficer.user_id == user_id)
    query = (
        select(DutySlot)
        .where(
            DutySlot.end_at > since,
            DutySlot.id.in_(officer)
            | (DutySlot.leader_id == user_id)
            | (DutySlot.backup_id == user_id),
        )
        .order_by(DutySlot.start_at)
        .limit(limit)
    )
    return list(await session.scalars(query))


def set_officers(slot: DutySlot, officer_ids: list[int]) -> None:
    """Replace the 值班员 of a slot, keeping order."""
    slot.officer_rows = [DutyOfficer(user_id=uid, position=i) for i, uid in enumerate(officer_ids)]

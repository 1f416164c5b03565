"""Deadlines that rest on estimated (推定) holidays: remembered when computed, recomputed when the
official schedule arrives (an imported notice, a newer chinese-calendar).

Each row keeps what the computation needs — start, rule, extension — so the deadline can be
computed again with whatever calendar is in force; the feature that owns the deadline applies a
moved day (schedules/deadlines/apply.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, String, UniqueConstraint, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.config.rules import TimeRule
from bot.store.base import Base, JSONText
from models.deadlines import imported
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import Deadline, compute

RECOMPUTE = imported.RECOMPUTE


class EstimatedDeadline(Base):
    """One item's deadline field computed from estimated days off."""

    __tablename__ = "estimated_deadlines"
    __table_args__ = (UniqueConstraint("feature", "item_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feature: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int]
    field: Mapped[str] = mapped_column(String(40))
    start_at: Mapped[datetime]
    rule: Mapped[Any] = mapped_column(JSONText)
    extension: Mapped[int] = mapped_column(default=0)
    last_day: Mapped[date] = mapped_column(Date)
    noted_at: Mapped[datetime]


def estimated_years(cal: WorkCalendar, start: date, last: date, unit: str) -> list[int]:
    """The years whose estimated days off the deadline relied on: those of the working days
    counted after ``start`` for 工作日, else only the last day's (a §203 move starts there)."""
    first = start + timedelta(days=1) if unit == "工作日" else last
    return [y for y in range(first.year, last.year + 1) if cal.estimated(y)]


def estimate_note(cal: WorkCalendar, *days: date) -> str | None:
    """A line for a push or reply about deadlines ``days``, when any of their years is 推定."""
    years = sorted({d.year for d in days if cal.estimated(d.year)})
    if not years:
        return None
    shown = "、".join(str(y) for y in years)
    return f"⚠️ 期限按推定的 {shown} 年节假日计算（尚无国务院办公厅通知），通知发布后可能调整。"


async def note(
    session: AsyncSession,
    now: datetime,
    cal: WorkCalendar,
    tz: ZoneInfo,
    *,
    feature: str,
    item_id: int,
    field: str,
    start: datetime,
    rule: TimeRule,
    found: Deadline,
    extension: int = 0,
) -> bool:
    """Remember ``found`` if it rests on an estimate, else forget any earlier row for the field.

    Returns:
        True when it rests on an estimate.
    """
    await forget(session, feature, item_id, field)
    last = found.day(tz)
    if not estimated_years(cal, start.astimezone(tz).date(), last, rule.unit):
        return False
    session.add(
        EstimatedDeadline(
            feature=feature,
            item_id=item_id,
            field=field,
            start_at=start,
            rule=rule.model_dump(mode="json"),
            extension=extension,
            last_day=last,
            noted_at=now,
        )
    )
    await session.flush()
    return True


async def forget(session: AsyncSession, feature: str, item_id: int, field: str) -> None:
    """Drop what was kept for the field (a new deadline not counted over estimated days)."""
    await session.execute(
        delete(EstimatedDeadline).where(
            EstimatedDeadline.feature == feature,
            EstimatedDeadline.item_id == item_id,
            EstimatedDeadline.field == field,
        )
    )


@dataclass(frozen=True)
class Recomputed:
    """A remembered deadline computed again with today's calendar."""

    row: EstimatedDeadline
    found: Deadline
    day: date
    still_estimated: bool

    @property
    def moved(self) -> bool:
        """True when the last day changed."""
        return self.day != self.row.last_day


async def recompute(session: AsyncSession, cal: WorkCalendar, tz: ZoneInfo) -> list[Recomputed]:
    """Every remembered deadline computed again; the caller applies, forgets or keeps each."""
    rows = list(await session.scalars(select(EstimatedDeadline).order_by(EstimatedDeadline.id)))
    done = []
    for row in rows:
        rule = TimeRule.model_validate(row.rule)
        found = compute(row.start_at, rule, cal, tz, extension=row.extension)
        day = found.day(tz)
        start = row.start_at.astimezone(tz).date()
        estimated = estimated_years(cal, start, day, rule.unit)
        done.append(Recomputed(row, found, day, bool(estimated)))
    return done

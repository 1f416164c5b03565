"""Holiday schedules imported from the State Council notice, kept in the database and mirrored in
memory for the calendar (which answers synchronously, deep inside deadline arithmetic).

The mirror is loaded at start-up and after each import (:func:`load`); every
:class:`~models.deadlines.calendar.WorkCalendar` built afterwards sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.store import due
from bot.store.base import Base
from models.deadlines.notice import Notice, parse

RECOMPUTE = "calendar-recompute"  # the due kind that recomputes estimated deadlines


class CalendarNotice(Base):
    """One imported notice: the year it arranges and its text as read."""

    __tablename__ = "calendar_notices"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime]
    imported_by: Mapped[str] = mapped_column(String(160), default="")


class CalendarDay(Base):
    """A day the notice names: ``off`` (放假) or ``work`` (调休上班)."""

    __tablename__ = "calendar_days"

    year: Mapped[int] = mapped_column(
        ForeignKey("calendar_notices.year", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(4))
    name: Mapped[str] = mapped_column(String(40), default="")


@dataclass(frozen=True)
class ImportedDays:
    """Imported years and the days their notices name.

    Attributes:
        years: Years with an imported notice (their unnamed days follow the weekend rule).
        days: Day → (is it a working day, holiday name).
    """

    years: frozenset[int] = frozenset()
    days: dict[date, tuple[bool, str]] = field(default_factory=dict)


_current = ImportedDays()


def current() -> ImportedDays:
    """The imported schedules as last loaded."""
    return _current


def install(days: ImportedDays) -> None:
    """Replace the in-memory mirror (start-up, after an import, and tests)."""
    global _current
    _current = days


async def read(session: AsyncSession) -> ImportedDays:
    """Every imported notice's days from the database."""
    years = frozenset(await session.scalars(select(CalendarNotice.year)))
    rows = await session.scalars(select(CalendarDay))
    # A notice's own year wins over a neighbour's (2023's 元旦 names 2022-12-31).
    ordered = sorted(rows, key=lambda r: (r.day.year == r.year, r.year))
    return ImportedDays(years, {r.day: (r.kind == "work", r.name) for r in ordered})


async def load(session: AsyncSession) -> ImportedDays:
    """Read the database into the mirror; returns what was installed."""
    days = await read(session)
    install(days)
    return days


async def store(session: AsyncSession, notice: Notice, text: str, now: datetime, by: str) -> None:
    """Save ``notice`` (replacing an earlier import of the same year). The caller commits."""
    await session.execute(delete(CalendarDay).where(CalendarDay.year == notice.year))
    await session.execute(delete(CalendarNotice).where(CalendarNotice.year == notice.year))
    row = CalendarNotice(year=notice.year, title=notice.title, text=text, imported_at=now)
    row.imported_by = by
    session.add(row)
    await session.flush()
    for day, name in sorted(notice.off.items()):
        session.add(CalendarDay(day=day, year=notice.year, kind="off", name=name))
    for day in sorted(notice.work):
        session.add(CalendarDay(day=day, year=notice.year, kind="work", name=""))
    await session.flush()


async def import_text(session: AsyncSession, text: str, now: datetime, by: str) -> Notice:
    """Read a notice, store it and refresh the mirror; nothing changes when it is refused.

    Raises:
        NoticeError: the text could not be read fully (names the line).
    """
    notice = parse(text)
    await store(session, notice, text, now, by)
    await load(session)
    # Deadlines computed from estimates are recomputed by the ticker right away.
    await due.schedule(session, now, kind=RECOMPUTE, due_at=now, payload={"year": notice.year})
    return notice


def summary(notice: Notice) -> str:
    """``2025 年：放假 28 天，调休上班 5 天（1月26日、2月8日…）`` for the reply."""
    work = "、".join(f"{d.month}月{d.day}日" for d in sorted(notice.work)) or "无"
    return (
        f"已导入《{notice.title}》：放假 {len(notice.off)} 天，调休上班 {len(notice.work)} 天"
        f"（{work}）。{notice.year} 年此后按通知计算，不再推定。"
    )

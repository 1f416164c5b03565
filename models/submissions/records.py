"""Collection tasks (信息报送, 值班表报备), the units each asks, and every submission kept."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.errors import UserError
from bot.store.base import Base, JSONText


class Kind(enum.StrEnum):
    """Free text (信息报送), or the holiday duty-roster form (值班表报备)."""

    INFO = "info"
    ROSTER = "roster"

    @property
    def label(self) -> str:
        """Chinese name."""
        return "值班表报备" if self is Kind.ROSTER else "信息报送"


class Task(Base):
    """One collection task: what is asked of which units, by when."""

    __tablename__ = "submission_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default=Kind.INFO.value)
    title: Mapped[str] = mapped_column(String(200))
    ask: Mapped[str] = mapped_column(Text, default="")
    due_day: Mapped[date] = mapped_column(Date)
    """The last local day; the task is due at 24:00 of it (``due_at``)."""
    due_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    """None for a roster task the scheduled job opened: the duty room (officers) organises it."""
    created_at: Mapped[datetime]
    holiday_first: Mapped[date | None] = mapped_column(Date, default=None)
    holiday_last: Mapped[date | None] = mapped_column(Date, default=None)
    key: Mapped[str | None] = mapped_column(String(60), unique=True, default=None)
    """``roster:2027-01-01`` so one holiday gets one roster task, however it was opened."""

    @property
    def kind_enum(self) -> Kind:
        """The kind as an enum."""
        return Kind(self.kind)

    @property
    def label(self) -> str:
        """``信息报送 #3「本周防汛工作信息」``."""
        return f"{self.kind_enum.label} #{self.id}「{self.title}」"


class TaskUnit(Base):
    """One unit asked by a task: when it first and last submitted, how often it was chased."""

    __tablename__ = "submission_units"
    __table_args__ = (UniqueConstraint("task_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("submission_tasks.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    org_name: Mapped[str] = mapped_column(String(100))
    first_at: Mapped[datetime | None] = mapped_column(default=None)
    last_at: Mapped[datetime | None] = mapped_column(default=None)
    chased: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def submitted(self) -> bool:
        """Has the unit sent anything?"""
        return self.first_at is not None


class Entry(Base):
    """One submission of one unit; the latest counts, the earlier ones are its history."""

    __tablename__ = "submission_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("submission_tasks.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    rows: Mapped[Any] = mapped_column(JSONText, default=list)
    """A roster's rows: [日期, 班次, 带班领导, 值班人员, 值班电话] each."""
    created_at: Mapped[datetime]


async def get(session: AsyncSession, task_id: int) -> Task:
    """The task numbered ``task_id``.

    Raises:
        UserError: none has that number.
    """
    found = await session.get(Task, task_id)
    if found is None:
        raise UserError(f"没有编号为 {task_id} 的报送任务，请用 /submission 查看任务列表。")
    return found


async def units_of(session: AsyncSession, task_id: int) -> list[TaskUnit]:
    """The units a task asks, in the order they were named."""
    query = select(TaskUnit).where(TaskUnit.task_id == task_id).order_by(TaskUnit.id)
    return list(await session.scalars(query))


async def latest(session: AsyncSession, task_id: int) -> dict[int, Entry]:
    """Each unit's latest submission, by org id."""
    query = select(Entry).where(Entry.task_id == task_id).order_by(Entry.id)
    return {e.org_id: e for e in await session.scalars(query)}


async def history(session: AsyncSession, task_id: int, org_id: int) -> list[Entry]:
    """Every submission of one unit to one task, oldest first."""
    query = (
        select(Entry).where(Entry.task_id == task_id, Entry.org_id == org_id).order_by(Entry.id)
    )
    return list(await session.scalars(query))


async def tasks(session: AsyncSession, org_id: int | None, limit: int) -> list[Task]:
    """The newest tasks (those asking ``org_id`` only, when given)."""
    query = select(Task).order_by(Task.id.desc()).limit(limit)
    if org_id is not None:
        asked = select(TaskUnit.task_id).where(TaskUnit.org_id == org_id)
        query = query.where(Task.id.in_(asked))
    return list(await session.scalars(query))

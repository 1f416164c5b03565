"""Meetings (常务会, 县长办公会 …) and their decisions, each becoming a 督办 item (会后督办)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.errors import UserError
from bot.store.base import Base
from models.directory.users import OrgUnit

KINDS = ("常务会", "县长办公会", "全体会", "专题会")


class Meeting(Base):
    """One meeting whose decisions are supervised."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    held_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    decisions: Mapped[list[MeetingDecision]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MeetingDecision.id"
    )

    @property
    def label(self) -> str:
        """``会议 #2「县政府第12次常务会议」``."""
        return f"会议 #{self.id}「{self.title}」"


class MeetingDecision(Base):
    """A decision with the unit that carries it out; ``task_id`` once it is supervised."""

    __tablename__ = "meeting_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    due: Mapped[str] = mapped_column(String(20), default="")
    content: Mapped[str] = mapped_column(Text)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("supervision_items.id"), default=None)

    org: Mapped[OrgUnit] = relationship(lazy="joined")


async def get(session: AsyncSession, meeting_id: int) -> Meeting:
    """The meeting, or a UserError pointing at the list."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise UserError(f"没有编号为 {meeting_id} 的会议，发送 /meeting_list 查看。")
    return meeting


async def recent(session: AsyncSession, limit: int) -> list[Meeting]:
    """The latest meetings first."""
    query = select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(limit)
    return list(await session.scalars(query))

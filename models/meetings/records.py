"""Meetings (常务会议, 专题会议 …), who is invited and how they answered, and the decisions
that each become a 督办 item (会后督办)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.errors import UserError
from bot.store.base import Base
from models.directory.users import OrgUnit, User


class MeetingStatus(enum.StrEnum):
    """registered (登记) → notified (已通知) → cancelled (已取消)."""

    REGISTERED = "registered"
    NOTIFIED = "notified"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """Chinese name."""
        return {"registered": "已登记", "notified": "已通知", "cancelled": "已取消"}[self.value]


class Answer(enum.StrEnum):
    """An invitee's 回执: none yet, 参加 or 请假."""

    NONE = ""
    ATTEND = "attend"
    LEAVE = "leave"


class Meeting(Base):
    """One meeting whose decisions are supervised."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    held_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    starts_at: Mapped[datetime | None] = mapped_column(default=None)
    """None for a meeting only registered for its decisions (会后督办): no notice possible."""
    place: Mapped[str] = mapped_column(String(200), default="")
    topics: Mapped[str] = mapped_column(Text, default="")
    materials_due: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(12), default=MeetingStatus.REGISTERED.value)
    notified_at: Mapped[datetime | None] = mapped_column(default=None)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    """Bumped by every 变更: reminders and change notices of a new revision are new messages."""
    summary_target: Mapped[str] = mapped_column(String(200), default="")
    summary_seq: Mapped[int] = mapped_column(Integer, default=0)

    decisions: Mapped[list[MeetingDecision]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MeetingDecision.id"
    )

    @property
    def label(self) -> str:
        """``会议 #2「县政府第12次常务会议」``."""
        return f"会议 #{self.id}「{self.title}」"

    @property
    def state(self) -> MeetingStatus:
        """The status as an enum."""
        return MeetingStatus(self.status)


class Invitation(Base):
    """One person asked to a meeting: in person, for a unit, or as someone's 代参人."""

    __tablename__ = "meeting_invitations"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    code: Mapped[str] = mapped_column(String(8), unique=True)
    """The person's 回执码: their buttons carry it, and only they may answer with it."""
    via: Mapped[str] = mapped_column(String(100), default="")
    """The unit they attend for, or empty when invited by name."""
    substitute_for: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_invitations.id"), default=None
    )
    owes_materials: Mapped[bool] = mapped_column(default=False)
    materials_at: Mapped[datetime | None] = mapped_column(default=None)
    notified_at: Mapped[datetime | None] = mapped_column(default=None)
    answer: Mapped[str] = mapped_column(String(10), default=Answer.NONE.value)
    reason: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    """A 代参人 no longer needed (the person they stood in for will come): not counted."""

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def counted(self) -> bool:
        """Part of the 回执 (not a withdrawn 代参人)."""
        return self.withdrawn_at is None


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
        raise UserError(f"没有编号为 {meeting_id} 的会议，发送 /meetings 或 /meeting_list 查看。")
    return meeting


async def recent(session: AsyncSession, limit: int) -> list[Meeting]:
    """The latest meetings first."""
    query = select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(limit)
    return list(await session.scalars(query))


async def invitations(session: AsyncSession, meeting_id: int) -> list[Invitation]:
    """Everyone invited, in the order they were added (代参人 after the rest)."""
    query = select(Invitation).where(Invitation.meeting_id == meeting_id).order_by(Invitation.id)
    return list(await session.scalars(query))


async def upcoming(session: AsyncSession, since: datetime, until: datetime) -> list[Meeting]:
    """Meetings starting between ``since`` and ``until``, soonest first (cancelled ones too)."""
    query = (
        select(Meeting)
        .where(Meeting.starts_at >= since, Meeting.starts_at < until)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return list(await session.scalars(query))

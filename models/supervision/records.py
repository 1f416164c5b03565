"""督办 items: 立项 → 交办 → 签收 → 办理中 → 待审核 → 已办结(销号) or 退回重办, all logged."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.errors import UserError
from bot.store.base import Base, JSONText
from models.directory.users import OrgUnit

SOURCES = ("常务会", "县长办公会", "领导批示", "上级交办", "建议提案", "12345", "信访", "会议")
# Feedback cadence → the rule of the table that spaces the reminders.
CADENCES = {
    "每周": "supervision.feedback_weekly",
    "每两周": "supervision.feedback_biweekly",
    "每月": "supervision.feedback_monthly",
}


class Status(enum.StrEnum):
    """Where a 督办 item stands."""

    CREATED = "立项"
    ASSIGNED = "交办"
    SIGNED = "签收"
    IN_PROGRESS = "办理中"
    REVIEW = "待审核"
    CLOSED = "已办结"
    REDO = "退回重办"


OPEN = (Status.ASSIGNED, Status.SIGNED, Status.IN_PROGRESS, Status.REDO)
WORKING = (Status.SIGNED, Status.IN_PROGRESS, Status.REDO)

# action → (states it may start from, state it leads to, what to do instead when refused)
TRANSITIONS: dict[str, tuple[tuple[Status, ...], Status, str]] = {
    "交办": ((Status.CREATED,), Status.ASSIGNED, ""),
    "签收": ((Status.ASSIGNED,), Status.SIGNED, "无需重复签收"),
    "进展": (WORKING, Status.IN_PROGRESS, "请先签收：/task_sign {id}"),
    "申请办结": (WORKING, Status.REVIEW, "请先签收：/task_sign {id}"),
    "销号": ((Status.REVIEW,), Status.CLOSED, "须承办单位先申请办结（/task_done）"),
    "退回": ((Status.REVIEW,), Status.REDO, "只有待审核的事项可以退回"),
}


class SupervisionItem(Base):
    """One 督办 matter (一事一项)."""

    __tablename__ = "supervision_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text, default="")
    lead_leader: Mapped[str] = mapped_column(String(50), default="")
    lead_org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    co_orgs: Mapped[Any] = mapped_column(JSONText)
    due_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime]
    original_due_date: Mapped[date] = mapped_column(Date)
    cadence: Mapped[str] = mapped_column(String(10))
    next_feedback_date: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(10), index=True)
    card: Mapped[str] = mapped_column(String(10), default="")
    escalation: Mapped[str] = mapped_column(String(10), default="")
    origin: Mapped[str | None] = mapped_column(String(50), default=None)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    signed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    last_progress: Mapped[str] = mapped_column(Text, default="")

    lead_org: Mapped[OrgUnit] = relationship(lazy="joined")
    events: Mapped[list[SupervisionEvent]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SupervisionEvent.id"
    )

    @property
    def label(self) -> str:
        """``督办 #3「清理河道」``."""
        return f"督办 #{self.id}「{self.title}」"

    @property
    def assigned_at(self) -> datetime:
        """When it was handed to the unit (the 签收 clock starts)."""
        return next((e.at for e in self.events if e.action == "交办"), self.created_at)


class SupervisionEvent(Base):
    """One step in an item's history (一事一档)."""

    __tablename__ = "supervision_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("supervision_items.id"), index=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    action: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")


def step(
    item: SupervisionItem, action: str, actor_id: int | None, now: datetime, note: str = ""
) -> None:
    """Move ``item`` by ``action`` and log it.

    Raises:
        UserError: the action does not fit the item's state, saying what to do instead.
    """
    allowed, target, hint = TRANSITIONS[action]
    if item.status not in allowed:
        raise UserError(
            f"{item.label} 当前为「{item.status}」，不能{action}。" + hint.format(id=item.id)
        )
    item.status = target.value
    log(item, action, actor_id, now, note)


def log(
    item: SupervisionItem, action: str, actor_id: int | None, now: datetime, note: str
) -> None:
    """Append a history event."""
    item.events.append(SupervisionEvent(at=now, actor_id=actor_id, action=action, note=note))


async def get(session: AsyncSession, item_id: int) -> SupervisionItem:
    """The item, or a UserError pointing at the list."""
    item = await session.get(SupervisionItem, item_id)
    if item is None:
        raise UserError(f"没有编号为 {item_id} 的督办事项，发送 /task_list 查看。")
    return item

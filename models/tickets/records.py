"""12345 tickets: 待签收 → 办理中 → 已回复 → 已回访 → 已办结 (退回/延期/督办/合并), all logged."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.errors import UserError
from bot.core.privacy import mask_name, mask_phone, mask_text
from bot.store.base import Base, JSONText
from models.directory.users import OrgUnit

CATEGORIES = ("咨询", "求助", "投诉", "举报", "建议")
URGENCIES = ("一般", "紧急")
VISIT_RESULTS = ("满意", "基本满意", "不满意", "未联系上")


class Status(enum.StrEnum):
    """Where a ticket stands."""

    WAITING = "待签收"
    WORKING = "办理中"
    REPLIED = "已回复"
    VISITED = "已回访"
    CLOSED = "已办结"
    RETURNED = "退回"
    EXTENDED = "延期"
    SUPERVISED = "督办"
    MERGED = "合并"


# Still with a unit: the deadline runs and pushes go out.
OPEN = (Status.WAITING, Status.WORKING, Status.EXTENDED, Status.SUPERVISED)
HANDLING = (Status.WORKING, Status.EXTENDED, Status.SUPERVISED)

# action → (states it may start from, state it leads to, what to do instead when refused)
TRANSITIONS: dict[str, tuple[tuple[Status, ...], Status, str]] = {
    "签收": ((Status.WAITING,), Status.WORKING, "无需重复签收"),
    "回复": (HANDLING, Status.REPLIED, "请先签收：/ticket_sign {n}"),
    "延期": ((Status.WORKING, Status.SUPERVISED), Status.EXTENDED, "每张工单只能延期一次"),
    "退单": ((Status.WAITING, Status.WORKING), Status.RETURNED, "已在办理后期，不能退单"),
    "回访": ((Status.REPLIED,), Status.VISITED, "须承办单位先回复"),
    "重办": ((Status.REPLIED, Status.VISITED), Status.WORKING, "只有已回复的工单可以重办"),
    "办结": ((Status.VISITED, Status.REPLIED), Status.CLOSED, "须先回复并回访"),
    "督办": (HANDLING, Status.SUPERVISED, "只有办理中的工单可以转督办"),
    "合并": (OPEN, Status.MERGED, "只有在办工单可以合并"),
    "改派": ((Status.RETURNED,), Status.WAITING, "只有退回的工单可以改派"),
}


class Ticket(Base):
    """One 12345 ticket, numbered as the hotline platform numbers it."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    channel: Mapped[str] = mapped_column(String(20), default="电话")
    category: Mapped[str] = mapped_column(String(10))
    urgency: Mapped[str] = mapped_column(String(10), default="一般")
    caller_name: Mapped[str] = mapped_column(String(50), default="")
    caller_phone: Mapped[str] = mapped_column(String(30), default="")
    content: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(String(200), default="")
    # cut_for_search tokens of content and address, space-separated: what the index reads.
    tokens: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime]
    dispatched_at: Mapped[datetime | None] = mapped_column(default=None)
    signed_at: Mapped[datetime | None] = mapped_column(default=None)
    due_at: Mapped[datetime]
    extended_due_at: Mapped[datetime | None] = mapped_column(default=None)
    replied_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    lead_org_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    co_orgs: Mapped[Any] = mapped_column(JSONText)
    status: Mapped[str] = mapped_column(String(10), index=True)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    reply: Mapped[str] = mapped_column(Text, default="")
    visit_result: Mapped[str] = mapped_column(String(10), default="")
    resolved: Mapped[bool | None] = mapped_column(Boolean, default=None)
    typical: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into: Mapped[str] = mapped_column(String(40), default="")
    overdue_count: Mapped[int] = mapped_column(Integer, default=0)
    client: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    lead_org: Mapped[OrgUnit | None] = relationship(lazy="joined")
    events: Mapped[list[TicketEvent]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="TicketEvent.id"
    )

    @property
    def label(self) -> str:
        """``工单 12345-20231108-000123（投诉）``."""
        return f"工单 {self.number}（{self.category}）"

    @property
    def deadline(self) -> datetime:
        """The deadline in force (the extended one after a 延期)."""
        return self.extended_due_at or self.due_at

    @property
    def unit(self) -> str:
        """The lead unit's name, or ``未派单``."""
        return self.lead_org.name if self.lead_org is not None else "未派单"

    def caller(self, unmasked: bool = False) -> str:
        """The caller as shown: ``王** 139****5678`` unless ``unmasked``."""
        if unmasked:
            return f"{self.caller_name} {self.caller_phone}".strip()
        return f"{mask_name(self.caller_name)} {mask_phone(self.caller_phone)}".strip()

    def shown(self, text: str, unmasked: bool = False) -> str:
        """Free text of this ticket (诉求, a reply, a note) with personal data masked, the
        caller's own name too, unless ``unmasked`` (:func:`bot.core.privacy.unmasked_for`)."""
        return text if unmasked else mask_text(text, [self.caller_name])


class TicketEvent(Base):
    """One step in a ticket's history."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    actor: Mapped[str] = mapped_column(String(50), default="")
    action: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")


def log(
    ticket: Ticket,
    action: str,
    now: datetime,
    note: str = "",
    *,
    actor_id: int | None = None,
    actor: str = "",
) -> None:
    """Record a step in the ticket's history."""
    ticket.events.append(
        TicketEvent(at=now, actor_id=actor_id, actor=actor, action=action, note=note)
    )
    ticket.updated_at = now


def step(
    ticket: Ticket,
    action: str,
    now: datetime,
    note: str = "",
    *,
    actor_id: int | None = None,
    actor: str = "",
) -> None:
    """Move ``ticket`` by ``action`` and log it.

    Raises:
        UserError: the action does not fit the ticket's state, saying what to do instead.
    """
    allowed, target, hint = TRANSITIONS[action]
    if ticket.status not in allowed:
        raise UserError(
            f"{ticket.label} 当前为「{ticket.status}」，不能{action}。"
            + hint.format(n=ticket.number)
        )
    ticket.status = target.value
    log(ticket, action, now, note, actor_id=actor_id, actor=actor)


async def get(session: AsyncSession, number: str) -> Ticket:
    """The ticket with this number.

    Raises:
        UserError: no such ticket, with the expected form.
    """
    found = await find(session, number)
    if found is None:
        raise UserError(f"没有编号为「{number}」的工单。编号形如 12345-20231108-000123")
    return found


async def find(session: AsyncSession, number: str) -> Ticket | None:
    """The ticket with this number, or None."""
    return await session.scalar(select(Ticket).where(Ticket.number == number.strip()))

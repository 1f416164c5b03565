"""换班 requests: the colleague accepts or declines, then the 带班领导 approves when config
says so; only then does the roster change (and its reminders move)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.errors import UserError
from bot.store.base import Base
from models.directory.users import User
from models.duty.records import DutySlot


class SwapStatus(enum.StrEnum):
    """Where a swap request stands."""

    ASKED = "asked"
    ACCEPTED = "accepted"
    DONE = "done"
    DECLINED = "declined"
    REJECTED = "rejected"
    VOID = "void"
    """One of the two was revoked before it was decided."""


class DutySwap(Base):
    """One officer asking another to take over a slot."""

    __tablename__ = "duty_swaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("duty_slots.id"))
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default=SwapStatus.ASKED.value)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    slot: Mapped[DutySlot] = relationship(lazy="joined")
    from_user: Mapped[User] = relationship(foreign_keys=[from_user_id], lazy="joined")
    to_user: Mapped[User] = relationship(foreign_keys=[to_user_id], lazy="joined")


async def get(session: AsyncSession, swap_id: int, status: SwapStatus) -> DutySwap:
    """A swap in the expected state.

    Raises:
        UserError: unknown id, or already decided.
    """
    swap = await session.get(DutySwap, swap_id)
    if swap is None:
        raise UserError(f"没有编号为 {swap_id} 的换班申请。")
    if swap.status != status.value:
        raise UserError(f"换班申请 #{swap_id} 已处理（当前状态：{LABELS[swap.status]}）。")
    return swap


async def open_for(session: AsyncSession, slot_id: int, from_user_id: int) -> DutySwap | None:
    """An undecided request for the same slot by the same person."""
    return await session.scalar(
        select(DutySwap).where(
            DutySwap.slot_id == slot_id,
            DutySwap.from_user_id == from_user_id,
            DutySwap.status.in_([SwapStatus.ASKED.value, SwapStatus.ACCEPTED.value]),
        )
    )


async def open_with(session: AsyncSession, user_id: int) -> list[DutySwap]:
    """Undecided requests that ``user_id`` made or was asked to take."""
    query = (
        select(DutySwap)
        .where(
            (DutySwap.from_user_id == user_id) | (DutySwap.to_user_id == user_id),
            DutySwap.status.in_([SwapStatus.ASKED.value, SwapStatus.ACCEPTED.value]),
        )
        .order_by(DutySwap.id)
    )
    return list(await session.scalars(query))


LABELS = {
    SwapStatus.ASKED.value: "待对方确认",
    SwapStatus.ACCEPTED.value: "待带班领导审批",
    SwapStatus.DONE.value: "已换班",
    SwapStatus.DECLINED.value: "对方已拒绝",
    SwapStatus.REJECTED.value: "领导未批准",
    SwapStatus.VOID.value: "一方已停用，申请作废",
}

"""查岗 roll calls: the officer on duty answers 「到」 within the configured minutes; the response
time is recorded, silence escalates to the 带班领导 then admins, and months are summed up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.clock import LocalTime
from bot.core.errors import UserError
from bot.store import due, outbox
from bot.store.base import Base
from models.directory import ladder
from models.directory.ladder_settings import LadderStep
from models.directory.users import User
from models.duty import due as duty_due
from models.duty import notify as duty_notify
from models.duty import records as duty
from models.duty.settings import RollCallConfig

if TYPE_CHECKING:
    from bot.core.messages import Reply

ESCALATE = "duty-rollcall"
PHONE = "duty-rollcall-phone"  # schedules/duty/phone.py


class RollCall(Base):
    """One officer asked to answer one roll call."""

    __tablename__ = "duty_rollcalls"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("duty_slots.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    asked_at: Mapped[datetime] = mapped_column(index=True)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    escalated: Mapped[str] = mapped_column(String(20), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def seconds(self) -> int | None:
        """Response time in seconds, when answered."""
        if self.answered_at is None:
            return None
        return int((self.answered_at - self.asked_at).total_seconds())


def prefix(call_id: int) -> str:
    """Key prefix of one roll call's escalations."""
    return f"duty:rollcall:{call_id}:"


def phone_prefix(call_id: int) -> str:
    """Key prefix of one roll call's SMS and calls."""
    return f"{prefix(call_id)}phone:"


def phone_key(call_id: int, index: int) -> str:
    """The due item of one phone rung (under :func:`prefix`: the answer cancels it)."""
    return f"{prefix(call_id)}phone{index}"


async def call(
    session: AsyncSession,
    now: datetime,
    cfg: RollCallConfig,
    slot: duty.DutySlot,
    by_user_id: int | None,
    *,
    rungs: tuple[LadderStep, ...] = (),
) -> list[RollCall]:
    """Ask every officer of ``slot``; escalations (chat, then the phone ``rungs``) are planned
    for each."""
    if not slot.officer_ids:
        raise UserError("当前班次没有排值班员，无法查岗。")
    calls = [
        RollCall(slot_id=slot.id, user_id=uid, by_user_id=by_user_id, asked_at=now)
        for uid in slot.officer_ids
    ]
    session.add_all(calls)
    await session.flush()
    for item in calls:
        await session.refresh(item)  # loads ``user`` for the caller's reply
    for item in calls:
        await duty_due.escalations(
            session,
            now,
            kind=ESCALATE,
            prefix=prefix(item.id),
            payload={"rollcall_id": item.id},
            tiers={"leader": cfg.answer_minutes, "admin": cfg.admin_after_minutes},
        )
        await ladder.plan(
            session,
            now,
            rungs,
            kind=PHONE,
            key=f"{prefix(item.id)}phone",
            payload={"rollcall_id": item.id},
        )
    return calls


async def answer(
    session: AsyncSession, user_id: int, now: datetime, call_id: int | None
) -> RollCall | None:
    """Record 「到」 for the caller's open roll call (the given one, else the latest)."""
    query = select(RollCall).where(RollCall.user_id == user_id, RollCall.answered_at.is_(None))
    if call_id is not None:
        query = query.where(RollCall.id == call_id)
    item = (await session.scalars(query.order_by(RollCall.asked_at.desc()))).first()
    if item is None:
        return None
    item.answered_at = now
    await due.cancel(session, prefix(item.id))
    await ladder.withdraw(session, phone_prefix(item.id))  # even an SMS being sent
    await session.flush()
    return item


async def call_on_duty(
    session: AsyncSession,
    now: datetime,
    cfg: RollCallConfig,
    by_user_id: int | None,
    *,
    rungs: tuple[LadderStep, ...] = (),
) -> list[RollCall]:
    """Roll-call every officer on duty now; [] when nobody is on. The caller :func:`ask` s each."""
    calls = []
    for slot in await duty.slots_at(session, now):
        if slot.officer_ids:
            calls += await call(session, now, cfg, slot, by_user_id, rungs=rungs)
    return calls


async def ask(session: AsyncSession, now: datetime, item: RollCall, question: Reply) -> None:
    """Queue ``question`` (with its 「到」 button) to the officer's private chats, urgently."""
    await duty_notify.tell(
        session,
        now,
        [item.user_id],
        question,
        key=f"{prefix(item.id)}ask",
        priority=outbox.Priority.EMERGENCY,
    )


@dataclass(frozen=True, slots=True)
class MonthLine:
    """One officer's roll calls in a month."""

    name: str
    asked: int
    answered: int
    on_time: int
    average_seconds: int | None


def month_window(tz: LocalTime, first: date) -> tuple[datetime, datetime]:
    """The instants a month (of ``first``) starts and ends, in local time."""
    after = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return tz.start_of_day(first.replace(day=1)), tz.start_of_day(after)


def response_figures(
    seconds: list[int | None], answer_minutes: int
) -> tuple[int, int, int, int | None]:
    """(asked, answered, answered in time, average seconds) of a list of response times."""
    times = [s for s in seconds if s is not None]
    on_time = sum(1 for s in times if s <= answer_minutes * 60)
    return len(seconds), len(times), on_time, sum(times) // len(times) if times else None


async def month_stats(
    session: AsyncSession, tz: LocalTime, first: date, answer_minutes: int
) -> list[MonthLine]:
    """Per officer in the month of ``first``: asked, answered, in time, average response."""
    start, end = month_window(tz, first)
    rows = await session.scalars(
        select(RollCall).where(RollCall.asked_at >= start, RollCall.asked_at < end)
    )
    by_name: dict[str, list[RollCall]] = {}
    for row in rows:
        by_name.setdefault(row.user.name, []).append(row)
    return [
        MonthLine(name, *response_figures([i.seconds for i in items], answer_minutes))
        for name, items in sorted(by_name.items())
    ]

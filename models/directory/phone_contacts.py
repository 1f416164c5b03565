"""Every SMS and call an escalation ladder queued (``phone_contacts``): the per-person limit
reads it, and so do the per-unit monthly counts of `dutybot status`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, func, select
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.core import phone_messages
from bot.store import outbox
from bot.store.base import Base
from models.directory.users import OrgUnit


def _person_address(context: DefaultExecutionContext) -> str:
    # One row per INSERT (the ORM adds contacts one by one), so these are this row's values.
    values = context.current_parameters or {}
    return phone_messages.address(int(values["user_id"]))


class PhoneContact(Base):
    """One SMS or call a ladder queued (whether it went: its outbox row says)."""

    __tablename__ = "phone_contacts"
    __table_args__ = (
        Index("ix_phone_contacts_user_id_created_at", "user_id", "created_at"),
        Index("ix_phone_contacts_address_created_at", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(10))
    # The outbox address: ``u<user id>`` for a person, ``o<unit id>`` for a unit's 值班电话;
    # left out, a person's (as every contact written before unit lines were reached).
    address: Mapped[str] = mapped_column(String(40), default=_person_address)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), default=None)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"), default=None)
    step: Mapped[int]
    created_at: Mapped[datetime]


async def contacts_since(session: AsyncSession, address: str, since: datetime) -> int:
    """SMS and calls queued to one person (or unit line) since then, by every ladder."""
    found = await session.scalar(
        select(func.count(PhoneContact.id)).where(
            PhoneContact.address == address, PhoneContact.created_at >= since
        )
    )
    return int(found or 0)


async def monthly_counts(
    session: AsyncSession, start: datetime, end: datetime
) -> list[tuple[str, str, int]]:
    """(unit, channel, count) of the SMS and calls the providers accepted in [start, end)."""
    row = outbox.OutboxMessage
    rows = await session.execute(
        select(OrgUnit.name, PhoneContact.channel, func.count(PhoneContact.id))
        .join(row, row.idempotency_key == PhoneContact.outbox_key)
        .outerjoin(OrgUnit, OrgUnit.id == PhoneContact.org_id)
        .where(
            row.status == outbox.OutboxStatus.SENT.value,
            row.sent_at >= start,
            row.sent_at < end,
        )
        .group_by(OrgUnit.name, PhoneContact.channel)
        .order_by(OrgUnit.name, PhoneContact.channel)
    )
    return [(str(unit or "—"), str(channel), int(n)) for unit, channel, n in rows]

"""Persisted inbox: each received message is keyed by (platform, message id), handled once.

A message is stored before it is handled and marked done in the same transaction as the
handler's work; after a crash, pending rows are handled again at start. Once handled only the
key is kept (for dropping platform retries), never the text.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.messages import IncomingMessage
from bot.store.base import Base, JSONText, insert_ignore, prepared_insert, table_of
from bot.store.sql import Prepared


class InboxStatus(enum.StrEnum):
    """Lifecycle of a received message."""

    PENDING = "pending"
    DONE = "done"


class InboxMessage(Base):
    """One received message."""

    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("platform", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    message_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(10), default=InboxStatus.PENDING, index=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    handled_at: Mapped[datetime | None] = mapped_column(default=None)
    payload: Mapped[Any] = mapped_column(JSONText, nullable=True, default=None)


async def accept(session: AsyncSession, msg: IncomingMessage, now: datetime) -> int | None:
    """Store ``msg`` unless already known. Returns the inbox id to handle, or None if handled."""
    await session.execute(
        insert_ignore(session, InboxMessage).values(
            platform=msg.platform,
            message_id=msg.message_id,
            status=InboxStatus.PENDING.value,
            received_at=now,
            payload=msg.to_dict(),
        )
    )
    row = await session.execute(
        select(InboxMessage.id, InboxMessage.status).where(
            InboxMessage.platform == msg.platform, InboxMessage.message_id == msg.message_id
        )
    )
    inbox_id, status = row.one()
    return None if status == InboxStatus.DONE else int(inbox_id)


_TAKE_NEW = Prepared(
    prepared_insert(
        table_of(InboxMessage),
        ("platform", "message_id", "status", "received_at", "handled_at"),
        returning="id",
    )
)


async def take(session: AsyncSession, msg: IncomingMessage, now: datetime) -> bool:
    """Claim ``msg`` for handling in this transaction; False if it was handled already.

    A new message is recorded as done at once (its handling commits with it, or nothing does);
    a message stored earlier by :func:`accept` and not yet handled is taken over. Only the key
    is kept, never the text.
    """
    fresh = await _TAKE_NEW.execute(
        session,
        {
            "platform": msg.platform,
            "message_id": msg.message_id,
            "status": InboxStatus.DONE.value,
            "received_at": now,
            "handled_at": now,
        },
    )
    if fresh.first() is not None:
        return True
    stored = await session.execute(
        update(InboxMessage)
        .where(
            InboxMessage.platform == msg.platform,
            InboxMessage.message_id == msg.message_id,
            InboxMessage.status == InboxStatus.PENDING.value,
        )
        .values(status=InboxStatus.DONE.value, handled_at=now, payload=None)
        .returning(InboxMessage.id)
    )
    return stored.first() is not None


async def pending(session: AsyncSession, limit: int = 500) -> list[tuple[int, IncomingMessage]]:
    """Messages stored but not yet handled (left by a crash), oldest first."""
    rows = await session.execute(
        select(InboxMessage.id, InboxMessage.payload)
        .where(InboxMessage.status == InboxStatus.PENDING.value)
        .order_by(InboxMessage.id)
        .limit(limit)
    )
    return [(int(i), IncomingMessage.from_dict(p)) for i, p in rows]


async def purge(session: AsyncSession, before: datetime) -> int:
    """Forget handled keys older than ``before``; returns how many."""
    result = await session.execute(
        delete(InboxMessage).where(
            InboxMessage.status == InboxStatus.DONE.value, InboxMessage.received_at < before
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]

"""Open conversations: a command that needs more answers keeps its state here, keyed by who is
talking where, until it finishes, is cancelled or expires."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, JSONText


class Dialog(Base):
    """One person's open conversation in one chat."""

    __tablename__ = "dialogs"
    __table_args__ = (UniqueConstraint("platform", "chat_id", "sender_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(128))
    sender_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[Any] = mapped_column(JSONText)
    expires_at: Mapped[datetime]
    updated_at: Mapped[datetime]


async def find(
    session: AsyncSession, platform: str, chat_id: str, sender_id: str, now: datetime
) -> Dialog | None:
    """The open, unexpired conversation of this person in this chat; expired ones are removed."""
    row = await session.scalar(
        select(Dialog).where(
            Dialog.platform == platform, Dialog.chat_id == chat_id, Dialog.sender_id == sender_id
        )
    )
    if row is not None and row.expires_at <= now:
        await session.delete(row)
        await session.flush()
        return None
    return row


async def open_(
    session: AsyncSession,
    *,
    platform: str,
    chat_id: str,
    sender_id: str,
    kind: str,
    state: dict[str, Any],
    now: datetime,
    expires_at: datetime,
) -> Dialog:
    """Start a conversation, replacing any earlier one of the same person in the same chat."""
    await session.execute(
        delete(Dialog).where(
            Dialog.platform == platform, Dialog.chat_id == chat_id, Dialog.sender_id == sender_id
        )
    )
    row = Dialog(
        platform=platform,
        chat_id=chat_id,
        sender_id=sender_id,
        kind=kind,
        state=state,
        expires_at=expires_at,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def purge_expired(session: AsyncSession, now: datetime) -> int:
    """Remove conversations nobody finished; returns how many."""
    result = await session.execute(delete(Dialog).where(Dialog.expires_at <= now))
    return int(result.rowcount)  # type: ignore[attr-defined]

"""Files kept with a 督办 item: the photos (and documents) a unit sends with its 进展 as evidence.

The bytes live in the database beside the item (like the outbox's files), so every instance
sharing the database reads them and a backup carries them; each file names the history step it
came with. Who may see them is the item's scope (models/supervision SCOPE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.messages import InboundFile
from bot.store.base import Base


class SupervisionFile(Base):
    """One file sent with a step of an item's history."""

    __tablename__ = "supervision_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("supervision_items.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("supervision_events.id"))
    name: Mapped[str] = mapped_column(String(100))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]


@dataclass(frozen=True, slots=True)
class Kept:
    """What the item's history says of a file (the bytes only when asked for)."""

    id: int
    event_id: int
    name: str
    mime: str
    size: int
    at: datetime


async def keep(
    session: AsyncSession,
    item_id: int,
    event_id: int,
    file: InboundFile,
    by_user_id: int,
    now: datetime,
) -> Kept:
    """Keep ``file`` with the history step ``event_id`` of item ``item_id``."""
    row = SupervisionFile(
        item_id=item_id,
        event_id=event_id,
        name=file.name,
        mime=file.mime,
        size=file.size,
        data=file.data,
        by_user_id=by_user_id,
        at=now,
    )
    session.add(row)
    await session.flush()
    return Kept(row.id, event_id, row.name, row.mime, row.size, now)


async def of_item(session: AsyncSession, item_id: int) -> list[Kept]:
    """The item's files, oldest first, without their bytes."""
    rows = await session.execute(
        select(
            SupervisionFile.id,
            SupervisionFile.event_id,
            SupervisionFile.name,
            SupervisionFile.mime,
            SupervisionFile.size,
            SupervisionFile.at,
        )
        .where(SupervisionFile.item_id == item_id)
        .order_by(SupervisionFile.id)
    )
    return [Kept(*row) for row in rows]


async def data_of(session: AsyncSession, file_id: int) -> bytes:
    """The bytes of one kept file."""
    data = await session.scalar(select(SupervisionFile.data).where(SupervisionFile.id == file_id))
    return data or b""

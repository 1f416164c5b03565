"""Signatures of platform callbacks already accepted, so a replayed request is refused by every
instance behind the callback URL, not only by the one that saw it first.

A key is a fixed-length digest of what the platform signed (``bot.adapters.common.guard``), never
the body. Keys are kept well past every freshness window (an hour at most, either way), so a
request cannot outlive its sighting and be accepted twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, UniqueConstraint, delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, prepared_insert, table_of
from bot.store.sql import Prepared

KEEP = timedelta(days=1)
"""How long a sighting is kept: far beyond the longest window (DingTalk's hour, either side)."""


class CallbackSighting(Base):
    """One signed callback accepted once."""

    __tablename__ = "callback_sightings"
    __table_args__ = (UniqueConstraint("platform", "signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    signature: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(index=True)


_RECORD = Prepared(
    prepared_insert(
        table_of(CallbackSighting), ("platform", "signature", "seen_at"), returning="id"
    )
)


async def first(session: AsyncSession, platform: str, signature: str, now: datetime) -> bool:
    """Record ``signature``; False when it was recorded before (the request is a replay).

    Two instances racing on one signature serialise on the unique key: the second waits for the
    first's transaction and then finds the row. (On every callback, hence a prepared statement:
    ``bot.store.sql``.)
    """
    inserted = await _RECORD.execute(
        session, {"platform": platform, "signature": signature, "seen_at": now}
    )
    return inserted.first() is not None


async def purge(session: AsyncSession, before: datetime) -> int:
    """Forget sightings older than ``before``; returns how many."""
    result = await session.execute(
        delete(CallbackSighting).where(CallbackSighting.seen_at < before)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]

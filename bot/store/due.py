"""Due items: anything that must happen later (reminders, deadlines, escalations) is a row here.

The scheduler only ticks; each tick claims due rows atomically — ``UPDATE … RETURNING`` on
SQLite (one writer at a time), ``FOR UPDATE SKIP LOCKED`` on PostgreSQL — so every item fires
once even with several processes. Named cron runs are recorded under a unique
(job, scheduled_for) for the same reason, and the bot's first start on the database bounds
which runs count as missed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    case,
    false,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, JSONText, insert_ignore, is_postgres


class DueStatus(enum.StrEnum):
    """Lifecycle of a due item."""

    PENDING = "pending"
    CLAIMED = "claimed"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class DueItem(Base):
    """Something to do at ``due_at``; ``kind`` names the job that handles it."""

    __tablename__ = "due_items"
    __table_args__ = (Index("ix_due_items_status_due_at", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    due_at: Mapped[datetime]
    payload: Mapped[Any] = mapped_column(JSONText)
    key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    status: Mapped[str] = mapped_column(String(10), default=DueStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    fired_at: Mapped[datetime | None] = mapped_column(default=None)
    late: Mapped[bool] = mapped_column(default=False)
    # Taken back from an instance that died holding it (bot/store/instances.py): the job may
    # have run there already, so what it sends says 补发.
    resumed: Mapped[bool] = mapped_column(default=False, server_default=false())
    last_error: Mapped[str | None] = mapped_column(Text, default=None)


class CronRun(Base):
    """One run of a named cron job; the unique key makes it happen once."""

    __tablename__ = "cron_runs"
    __table_args__ = (UniqueConstraint("job", "scheduled_for"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    scheduled_for: Mapped[datetime]
    started_at: Mapped[datetime]
    late: Mapped[bool] = mapped_column(default=False)


class FirstStart(Base):
    """When the bot first started on this database (one row): no cron run before it was missed."""

    __tablename__ = "first_start"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]


async def schedule(
    session: AsyncSession,
    now: datetime,
    *,
    kind: str,
    due_at: datetime,
    payload: dict[str, Any],
    key: str | None = None,
) -> None:
    """Add an item. With ``key``, a pending item of that key is moved instead (roster edits)."""
    if key is not None:
        moved = await session.execute(
            update(DueItem)
            .where(DueItem.key == key, DueItem.status == DueStatus.PENDING.value)
            .values(due_at=due_at, payload=payload, kind=kind)
        )
        if int(moved.rowcount):  # type: ignore[attr-defined]
            return
        # A fired or cancelled item with this key is history; give the new one a fresh key.
        await session.execute(update(DueItem).where(DueItem.key == key).values(key=None))
    session.add(
        DueItem(
            kind=kind,
            due_at=due_at,
            payload=payload,
            key=key,
            created_at=now,
            status=DueStatus.PENDING.value,
            attempts=0,
        )
    )
    await session.flush()


async def cancel(session: AsyncSession, key_prefix: str) -> int:
    """Cancel pending items whose key starts with ``key_prefix``; returns how many."""
    result = await session.execute(
        update(DueItem)
        .where(
            DueItem.key.startswith(key_prefix, autoescape=True),
            DueItem.status == DueStatus.PENDING.value,
        )
        .values(status=DueStatus.CANCELLED.value)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def next_due(session: AsyncSession) -> datetime | None:
    """When the earliest pending item falls due (None: nothing is pending)."""
    return await session.scalar(
        select(DueItem.due_at)
        .where(DueItem.status == DueStatus.PENDING.value)
        .order_by(DueItem.due_at)
        .limit(1)
    )


@dataclass(frozen=True, slots=True)
class ClaimedItem:
    """A due item taken by one worker."""

    id: int
    kind: str
    due_at: datetime
    payload: dict[str, Any]
    attempts: int
    resumed: bool = False


async def claim(
    session: AsyncSession, now: datetime, *, worker: str, lease: timedelta, limit: int
) -> list[ClaimedItem]:
    """Take up to ``limit`` due items (and items whose worker died) for ``worker``."""
    due = ((DueItem.status == DueStatus.PENDING.value) & (DueItem.due_at <= now)) | (
        (DueItem.status == DueStatus.CLAIMED.value) & (DueItem.lease_until < now)
    )
    pick = select(DueItem.id).where(due).order_by(DueItem.due_at, DueItem.id).limit(limit)
    if is_postgres(session):
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(DueItem)
        .where(DueItem.id.in_(pick.scalar_subquery()))
        .values(
            status=DueStatus.CLAIMED.value,
            claimed_by=worker,
            lease_until=now + lease,
            # A claim whose lease ran out is a resumption too (SET reads the old status).
            resumed=case(
                (DueItem.status == DueStatus.CLAIMED.value, true()), else_=DueItem.resumed
            ),
        )
        .returning(
            DueItem.id,
            DueItem.kind,
            DueItem.due_at,
            DueItem.payload,
            DueItem.attempts,
            DueItem.resumed,
        )
        .execution_options(synchronize_session=False)
    )
    rows = (await session.execute(stmt)).all()
    items = [ClaimedItem(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]
    return sorted(items, key=lambda i: (i.due_at, i.id))


async def complete(
    session: AsyncSession, item_id: int, *, worker: str, now: datetime, late: bool
) -> bool:
    """Mark done if ``worker`` still holds it; False means another worker took it over."""
    return item_id in await complete_many(session, [(item_id, late)], worker=worker, now=now)


async def complete_many(
    session: AsyncSession, items: list[tuple[int, bool]], *, worker: str, now: datetime
) -> set[int]:
    """Mark done those of ``items`` (id, late) that ``worker`` still holds; returns their ids
    (the others were taken over by another worker)."""
    held: set[int] = set()
    for late in (False, True):
        ids = [item_id for item_id, is_late in items if is_late is late]
        if not ids:
            continue
        result = await session.execute(
            update(DueItem)
            .where(
                DueItem.id.in_(ids),
                DueItem.claimed_by == worker,
                DueItem.status == DueStatus.CLAIMED.value,
            )
            .values(
                status=DueStatus.DONE.value,
                fired_at=now,
                late=late,
                lease_until=None,
                attempts=DueItem.attempts + 1,
            )
            .returning(DueItem.id)
            .execution_options(synchronize_session=False)
        )
        held.update(result.scalars().all())
    return held


async def fail(
    session: AsyncSession, item_id: int, *, now: datetime, error: str, retry_at: datetime | None
) -> None:
    """Record a failed attempt: back to pending at ``retry_at``, or failed for good."""
    values: dict[str, Any] = {
        "attempts": DueItem.attempts + 1,
        "last_error": error[:2000],
        "lease_until": None,
        "claimed_by": None,
    }
    if retry_at is None:
        values.update(status=DueStatus.FAILED.value, fired_at=now)
    else:
        values.update(status=DueStatus.PENDING.value, due_at=retry_at)
    await session.execute(
        update(DueItem)
        .where(DueItem.id == item_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def record_cron_run(
    session: AsyncSession, job: str, scheduled_for: datetime, now: datetime, late: bool
) -> bool:
    """Claim one cron occurrence. False when some process already ran it."""
    result = await session.execute(
        insert_ignore(session, CronRun).values(
            job=job, scheduled_for=scheduled_for, started_at=now, late=late
        )
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


async def last_cron_run(session: AsyncSession, job: str) -> datetime | None:
    """When ``job`` last ran (its scheduled time)."""
    return await session.scalar(
        select(CronRun.scheduled_for)
        .where(CronRun.job == job)
        .order_by(CronRun.scheduled_for.desc())
        .limit(1)
    )


async def first_start(session: AsyncSession, now: datetime) -> datetime:
    """When the bot first started on this database; the first caller records ``now``."""
    await session.execute(insert_ignore(session, FirstStart).values(id=1, started_at=now))
    started = await session.execute(select(FirstStart.started_at).where(FirstStart.id == 1))
    return started.scalar_one()

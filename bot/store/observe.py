"""Read-only queries for `dutybot status`, /metrics and the auditor: queue depths, the oldest
unsent row, overdue due items, stuck outbox rows, and the instances table when it exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.due import DueItem, DueStatus
from bot.store.instances import Instance
from bot.store.outbox import OutboxMessage, OutboxStatus

UNSENT = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)
OPEN = (*UNSENT, OutboxStatus.FAILED.value, OutboxStatus.UNCERTAIN.value)
DUE_OPEN = (DueStatus.PENDING.value, DueStatus.CLAIMED.value, DueStatus.FAILED.value)


@dataclass(frozen=True, slots=True)
class Depths:
    """How full the queues are now."""

    outbox: dict[tuple[str, int], int]  # (status, priority) → rows
    due: dict[str, int]  # status → items
    oldest_unsent: datetime | None  # the oldest unsent row's due time (next_attempt_at)
    oldest_due: datetime | None  # the earliest pending due item's due_at


@dataclass(frozen=True, slots=True)
class Stuck:
    """A row or item the auditor reports: what it is and since when it has waited."""

    id: int
    what: str  # outbox: target; due item: kind
    since: datetime
    status: str


async def depths(session: AsyncSession, now: datetime, finished: bool = True) -> Depths:
    """Counts by status (and priority for the outbox), and the oldest waiting of each queue.

    Args:
        session: Any session.
        now: The clock's now.
        finished: Count sent, cancelled and done rows too. They pile up over the years; a scrape
            leaves them out and reads only the open end of the status index.
    """
    rows = select(OutboxMessage.status, OutboxMessage.priority, func.count())
    items = select(DueItem.status, func.count())
    if not finished:
        rows = rows.where(OutboxMessage.status.in_(OPEN))
        items = items.where(DueItem.status.in_(DUE_OPEN))
    outbox_rows = await session.execute(
        rows.group_by(OutboxMessage.status, OutboxMessage.priority)
    )
    due_rows = await session.execute(items.group_by(DueItem.status))
    oldest_unsent = await session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.status.in_(UNSENT), OutboxMessage.next_attempt_at <= now
        )
    )
    oldest_due = await session.scalar(
        select(func.min(DueItem.due_at)).where(
            DueItem.status == DueStatus.PENDING.value, DueItem.due_at <= now
        )
    )
    return Depths(
        {(str(s), int(p)): int(n) for s, p, n in outbox_rows.all()},
        {str(s): int(n) for s, n in due_rows.all()},
        oldest_unsent,
        oldest_due,
    )


@dataclass(frozen=True, slots=True)
class PlatformQueue:
    """One platform as the outbox sees it."""

    last_sent: datetime | None
    unsent: int
    failed: int


async def platforms(session: AsyncSession) -> dict[str, PlatformQueue]:
    """Per platform: when it last took a message, rows still to send, rows that failed."""
    sent = (OutboxMessage.status == OutboxStatus.SENT.value, OutboxMessage.sent_at)
    rows = await session.execute(
        select(
            OutboxMessage.platform,
            func.max(case(sent, else_=None)),
            func.count().filter(OutboxMessage.status.in_(UNSENT)),
            func.count().filter(OutboxMessage.status == OutboxStatus.FAILED.value),
        ).group_by(OutboxMessage.platform)
    )
    return {str(p): PlatformQueue(last, int(u), int(f)) for p, last, u, f in rows.all()}


async def stuck_outbox(
    session: AsyncSession, now: datetime, after: timedelta, skip_kind: str = ""
) -> list[Stuck]:
    """Unsent rows that have been due for longer than ``after`` (the sender is not getting
    them out: silent, or every attempt at them hangs), leaving out rows of ``skip_kind``."""
    rows = await session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.target,
            OutboxMessage.next_attempt_at,
            OutboxMessage.status,
        )
        .where(
            OutboxMessage.status.in_(UNSENT),
            OutboxMessage.next_attempt_at < now - after,
            OutboxMessage.kind != skip_kind,
        )
        .order_by(OutboxMessage.id)
        .limit(50)
    )
    return [Stuck(int(i), str(t), when, str(s)) for i, t, when, s in rows.all()]


async def overdue_due(session: AsyncSession, now: datetime, after: timedelta) -> list[Stuck]:
    """Due items still unfired ``after`` their due time (the ticker is silent, or they hang)."""
    rows = await session.execute(
        select(DueItem.id, DueItem.kind, DueItem.due_at, DueItem.status)
        .where(
            DueItem.status.in_((DueStatus.PENDING.value, DueStatus.CLAIMED.value)),
            DueItem.due_at < now - after,
        )
        .order_by(DueItem.id)
        .limit(50)
    )
    return [Stuck(int(i), str(k), when, str(s)) for i, k, when, s in rows.all()]


async def instances(session: AsyncSession) -> list[dict[str, Any]]:
    """Every bot that has announced itself (migration 0018), oldest first, with its heartbeat,
    when its sender last looked at the outbox and when its Telegram poller last had an answer."""
    rows = await session.scalars(select(Instance).order_by(Instance.started_at, Instance.id))
    return [
        {
            "实例": row.id,
            "主机": row.host,
            "进程": row.pid,
            "启动于": row.started_at,
            "心跳于": row.heartbeat_at,
            "发送于": row.sender_at,
            "轮询于": row.polled_at,
        }
        for row in rows
    ]

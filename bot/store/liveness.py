"""Read-only queries for the auditor about the running instances (bot/store/instances.py):
whose heartbeat is stale, which were taken over, whose sender is silent, when Telegram polling
last had an answer on any of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.audit import AuditLog
from bot.store.instances import Instance

TAKEOVER = "instances:takeover"  # the audit command bot/delivery/heartbeat.py records


@dataclass(frozen=True, slots=True)
class Silent:
    """An instance (or a part of one) the auditor reports, and when it was last heard of."""

    instance: str
    host: str
    pid: int
    since: datetime | None  # None: never (a sender that has not made one pass)
    by: str = ""  # for a takeover: the instance that took over


def _silent(row: Instance, since: datetime | None) -> Silent:
    return Silent(row.id, row.host, row.pid, since)


async def stale(session: AsyncSession, now: datetime, after: timedelta) -> list[Silent]:
    """Instances whose last heartbeat is older than ``after`` and that nobody has taken over
    yet (a live instance removes them at its next beat)."""
    rows = await session.scalars(
        select(Instance).where(Instance.heartbeat_at < now - after).order_by(Instance.id)
    )
    return [_silent(r, r.heartbeat_at) for r in rows]


async def taken_over(session: AsyncSession, since: datetime) -> list[Silent]:
    """Instances declared dead since ``since``, from the takeovers' audit rows."""
    rows = await session.execute(
        select(AuditLog.ts, AuditLog.detail)
        .where(AuditLog.kind == "system", AuditLog.command == TAKEOVER, AuditLog.ts >= since)
        .order_by(AuditLog.id)
    )
    return [
        Silent(str(dead), "", 0, when, by=str(detail.get("by", "")))
        for when, detail in rows.all()
        for dead in detail.get("dead", [])
    ]


async def silent_senders(
    session: AsyncSession, now: datetime, live: timedelta, after: timedelta
) -> list[Silent]:
    """Live instances (a beat within ``live``), up longer than ``after``, whose sender has not
    looked at the outbox for ``after``: the process beats but does not send."""
    rows = await session.scalars(
        select(Instance)
        .where(
            Instance.heartbeat_at >= now - live,
            Instance.started_at < now - after,
            Instance.sender_at.is_(None) | (Instance.sender_at < now - after),
        )
        .order_by(Instance.id)
    )
    return [_silent(r, r.sender_at) for r in rows]


async def polling(
    session: AsyncSession, now: datetime, live: timedelta
) -> tuple[datetime | None, datetime | None]:
    """When any instance's poller last had an answer, and since when live instances have run
    (None, None: no instance is live)."""
    polled, started = (
        await session.execute(
            select(func.max(Instance.polled_at), func.min(Instance.started_at)).where(
                Instance.heartbeat_at >= now - live
            )
        )
    ).one()
    return polled, started

"""At-most-once delivery (broadcasts): note when a send starts; settle sends cut off by a crash.

The outbox is at-least-once: a row whose sender died is sent again once its lease expires.
Telegram has no idempotency key, so for an emergency broadcast that could mean a second copy.
Rows queued with ``at_most_once`` are instead marked uncertain when their send had started,
and sent again only when it had not.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.messages import Target
from bot.store.outbox import CLAIMED_COLUMNS, Claimed, OutboxMessage, OutboxStatus

UNCERTAIN_NOTE = "发送中断（进程退出），是否送达不确定；不重发，由确认提醒跟进"


async def begin_send(
    session: AsyncSession, row_id: int, now: datetime, owner: str | None = None
) -> bool:
    """Note that an at-most-once row is being handed to the platform right now.

    Returns False when the row is no longer this sender's (``owner``'s) to send: another
    instance took it over while this one could not beat (a database outage longer than
    ``instances.stale_seconds``) and may be sending it already; this one must not.
    """
    held = (
        OutboxMessage.claimed_by.is_(None) if owner is None else OutboxMessage.claimed_by == owner
    )
    started = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.status == OutboxStatus.SENDING.value,
            OutboxMessage.send_started_at.is_(None),
            held,
        )
        .values(send_started_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(started.rowcount) == 1  # type: ignore[attr-defined]


async def withdraw(session: AsyncSession, key_prefix: str) -> int:
    """Cancel the rows under ``key_prefix`` not yet handed to a platform, claimed ones too.

    A row already handed over (its send started) cannot be called back and is left alone.
    Returns how many were cancelled.
    """
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.idempotency_key.startswith(key_prefix, autoescape=True),
            OutboxMessage.status.in_((OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)),
            OutboxMessage.send_started_at.is_(None),
        )
        .values(status=OutboxStatus.CANCELLED.value, lease_until=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def settle_abandoned(session: AsyncSession, now: datetime) -> list[Claimed]:
    """Mark at-most-once rows whose send started but whose sender died as uncertain.

    They are not sent again: the platform may or may not have delivered them, and a second
    copy of an emergency broadcast is worse than a re-notification of someone who has not
    acknowledged (which the broadcast's own loop does).
    """
    stmt = (
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING.value,
            OutboxMessage.lease_until < now,
            OutboxMessage.at_most_once.is_(True),
            OutboxMessage.send_started_at.is_not(None),
        )
        .values(
            status=OutboxStatus.UNCERTAIN.value,
            lease_until=None,
            attempts=OutboxMessage.attempts + 1,
            last_error=UNCERTAIN_NOTE,
        )
        .returning(*CLAIMED_COLUMNS)
        .execution_options(synchronize_session=False)
    )
    rows = (await session.execute(stmt)).all()
    return [Claimed(r[0], Target.parse(r[1]), *r[2:]) for r in rows]


async def mark_uncertain(session: AsyncSession, row_id: int, error: str) -> None:
    """The platform may have delivered it (e.g. a timeout after sending): do not send again."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(
            status=OutboxStatus.UNCERTAIN.value,
            lease_until=None,
            attempts=OutboxMessage.attempts + 1,
            last_error=error[:2000],
        )
        .execution_options(synchronize_session=False)
    )

"""The delivery outbox: the only way anything leaves the bot.

Rows are written in the same transaction as the work that caused them, so a reply or a
reminder exists exactly when its cause was committed. The sender claims rows with a lease,
delivers through the platform adapter and records the result.
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
    case,
    false,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.core import redaction
from bot.core.messages import Reply, Target
from bot.store.base import Base, JSONText, is_postgres, prepared_insert, table_of
from bot.store.sql import Prepared


class Priority(enum.IntEnum):
    """Lower goes first: emergencies before replies before routine pushes."""

    EMERGENCY = 0
    INTERACTIVE = 3
    ROUTINE = 6


class OutboxStatus(enum.StrEnum):
    """Where a row is in its delivery."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNCERTAIN = "uncertain"
    """An at-most-once row whose sender died mid-send: perhaps delivered, never sent again."""


class OutboxMessage(Base):
    """One message to one target."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    target: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30), default="reply")
    payload: Mapped[Any] = mapped_column(JSONText)
    priority: Mapped[int] = mapped_column(Integer, default=Priority.ROUTINE)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    external_id: Mapped[str | None] = mapped_column(String(128), default=None)
    edit_key: Mapped[str | None] = mapped_column(String(200), default=None, index=True)
    notify_on_failure: Mapped[bool] = mapped_column(default=True)
    # Broadcasts: a row caught mid-send is not re-sent (Telegram has no idempotency key, so a
    # retry could deliver a second copy); the acknowledgement loop re-notifies instead.
    at_most_once: Mapped[bool] = mapped_column(default=False, server_default=false())
    send_started_at: Mapped[datetime | None] = mapped_column(default=None)
    # The instance holding the row while it is sending (bot/store/instances.py), and whether
    # the row goes again after its sender died: it may have been delivered already.
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    resent: Mapped[bool] = mapped_column(default=False, server_default=false())


_ENQUEUE = Prepared(
    prepared_insert(
        table_of(OutboxMessage),
        (
            "idempotency_key",
            "target",
            "platform",
            "kind",
            "payload",
            "priority",
            "status",
            "attempts",
            "next_attempt_at",
            "created_at",
            "notify_on_failure",
            "edit_key",
            "at_most_once",
            "resent",
        ),
        returning="id",
    )
)


async def enqueue(
    session: AsyncSession,
    now: datetime,
    target: Target,
    reply: Reply,
    *,
    key: str,
    priority: Priority = Priority.ROUTINE,
    kind: str = "reply",
    not_before: datetime | None = None,
    notify_on_failure: bool = True,
    at_most_once: bool = False,
) -> bool:
    """Queue ``reply`` for ``target``. Returns False when ``key`` was already queued.

    With ``at_most_once`` a send interrupted by a crash is recorded as uncertain rather than
    repeated (see :func:`bot.store.outbox_once.settle_abandoned`).

    A file attached to ``reply`` is stored beside the row (:mod:`bot.store.outbox_files`).

    Text that carries a 密级 marking is redacted and flagged, never stored; the sender tells
    the administrators (:func:`bot.core.redaction.screen`).
    """
    payload, _ = redaction.screen(reply.to_payload())
    file = reply.attachment if "attachment" in payload else None
    inserted = await _ENQUEUE.execute(
        session,
        {
            "idempotency_key": key,
            "target": str(target),
            "platform": target.platform,
            "kind": kind,
            "payload": payload,
            "priority": int(priority),
            "status": OutboxStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": not_before or now,
            "created_at": now,
            "notify_on_failure": notify_on_failure,
            "edit_key": reply.edit_key,
            "at_most_once": at_most_once,
            "resent": False,
        },
    )
    row = inserted.first()
    if row is not None and file is not None:
        from bot.store import outbox_files

        await outbox_files.keep(session, now, int(row[0]), file)
    return row is not None


@dataclass(frozen=True, slots=True)
class Claimed:
    """A row taken for delivery."""

    id: int
    target: Target
    payload: dict[str, Any]
    priority: int
    attempts: int
    kind: str
    idempotency_key: str
    notify_on_failure: bool
    at_most_once: bool = False
    resent: bool = False
    created_at: datetime | None = None  # when it was queued (delivery latency, /metrics)


CLAIMED_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.target,
    OutboxMessage.payload,
    OutboxMessage.priority,
    OutboxMessage.attempts,
    OutboxMessage.kind,
    OutboxMessage.idempotency_key,
    OutboxMessage.notify_on_failure,
    OutboxMessage.at_most_once,
    OutboxMessage.resent,
    OutboxMessage.created_at,
)


async def claim(
    session: AsyncSession,
    now: datetime,
    *,
    lease: timedelta,
    limit: int,
    platforms: list[str],
    skip_targets: list[str] | None = None,
    owner: str | None = None,
    prefix: str | None = None,
    not_prefix: str | None = None,
) -> list[Claimed]:
    """Atomically take due rows (and rows whose sender died mid-send), most urgent first, then
    oldest first, leaving out ``skip_targets`` (chats the sender is still busy with).

    ``prefix`` / ``not_prefix`` take only targets starting (or not starting) with it: the sender
    claims each lane class (a platform's app, its webhook robots) on its own, so one class's
    backlog never fills the batch another is waiting for.

    An at-most-once row is taken again after a crash only if its send never started. ``owner``
    (this instance) is recorded so a live instance can take the rows over at once if it dies.
    """
    due = or_(
        (OutboxMessage.status == OutboxStatus.PENDING.value)
        & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == OutboxStatus.SENDING.value)
        & (OutboxMessage.lease_until < now)
        & (OutboxMessage.at_most_once.is_(False) | OutboxMessage.send_started_at.is_(None)),
    )
    pick = (
        select(OutboxMessage.id)
        .where(due, OutboxMessage.platform.in_(platforms))
        .order_by(OutboxMessage.priority, OutboxMessage.id)
        .limit(limit)
    )
    if skip_targets:
        pick = pick.where(OutboxMessage.target.not_in(skip_targets))
    if prefix is not None:
        pick = pick.where(OutboxMessage.target.startswith(prefix, autoescape=True))
    if not_prefix is not None:
        pick = pick.where(~OutboxMessage.target.startswith(not_prefix, autoescape=True))
    if is_postgres(session):
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(pick.scalar_subquery()))
        .values(
            status=OutboxStatus.SENDING.value,
            lease_until=now + lease,
            claimed_by=owner,
            # Taken again after its lease ran out: perhaps delivered already.
            resent=case(
                (OutboxMessage.status == OutboxStatus.SENDING.value, true()),
                else_=OutboxMessage.resent,
            ),
        )
        .returning(*CLAIMED_COLUMNS)
        .execution_options(synchronize_session=False)
    )
    rows = (await session.execute(stmt)).all()
    claimed = [Claimed(r[0], Target.parse(r[1]), *r[2:]) for r in rows]
    return sorted(claimed, key=lambda c: (c.priority, c.id))

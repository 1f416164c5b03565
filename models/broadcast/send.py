"""Sending a broadcast: one emergency outbox row per address, at most once; cancelling it.

The caller writes the message (handlers/broadcast/cards.py) between :func:`launch` and
:func:`deliver`: it shows the time :func:`launch` records as sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.messages import Target
from bot.store import due, outbox
from models.broadcast import ladder
from models.broadcast import records as bc
from models.broadcast.audience import current_addresses
from models.broadcast.settings import BroadcastConfig
from models.broadcast.state import initial_key
from models.broadcast.summary import queue_summary
from models.directory.users import User

if TYPE_CHECKING:
    from bot.core.messages import Reply

RENOTIFY = "broadcast.renotify"


@dataclass(frozen=True, slots=True)
class Signers:
    """Who answers for a broadcast: its author and, when a leader approved it, the approver."""

    author: str
    approver: str | None = None


async def signers(session: AsyncSession, broadcast: bc.Broadcast) -> Signers:
    """The names under the broadcast (empty for an account since removed)."""
    author = await session.get(User, broadcast.created_by)
    if broadcast.approved_by is None:
        return Signers(author.name if author else "")
    approver = await session.get(User, broadcast.approved_by)
    return Signers(author.name if author else "", approver.name if approver else "")


async def launch(
    session: AsyncSession, now: datetime, broadcast: bc.Broadcast, *, config: BroadcastConfig
) -> None:
    """Mark the broadcast sent now and start the acknowledgement loop; :func:`deliver` next."""
    broadcast.status = bc.BroadcastStatus.ACTIVE.value
    broadcast.sent_at = now
    level = config.levels[broadcast.level_enum.value]
    await due.schedule(
        session,
        now,
        kind=RENOTIFY,
        due_at=now + timedelta(minutes=level.renotify_minutes),
        payload={"broadcast_id": broadcast.id, "round": 1},
        key=f"bc:{broadcast.id}:renotify",
    )
    await ladder.plan(session, now, broadcast, config.escalation)
    await queue_summary(session, now, broadcast, config)


async def deliver(
    session: AsyncSession,
    now: datetime,
    broadcast: bc.Broadcast,
    message: Reply,
    *,
    only: list[bc.BroadcastRecipient] | None = None,
) -> int:
    """Queue ``message`` (the broadcast as recipients see it) to every recipient where they are
    reached now (:func:`current_addresses`): emergency, each at most once. Returns how many
    messages were queued.

    Args:
        session: The caller's transaction.
        now: Sending time.
        broadcast: The broadcast.
        message: Its words.
        only: Just these recipients (a successor taking over a revoked person's receipt).
    """
    queued = 0
    rows = await bc.recipients(session, broadcast.id) if only is None else only
    addresses = await current_addresses(session, rows)
    for recipient in rows:
        for target in addresses.get(recipient.id, []):
            queued += await outbox.enqueue(
                session,
                now,
                Target.parse(target),
                message,  # as drafted and previewed: see docs/privacy.md
                key=initial_key(broadcast.id, target),
                priority=outbox.Priority.EMERGENCY,
                kind="broadcast",
                at_most_once=True,
            )
    return queued


async def cancel(session: AsyncSession, now: datetime, broadcast: bc.Broadcast, by: int) -> int:
    """Stop chasing: no re-notification, nothing not yet sent goes out. Returns rows withdrawn.

    Acknowledgements that still come are kept (see ``BroadcastAck.after_cancel``).
    """
    broadcast.status = bc.BroadcastStatus.CANCELLED.value
    broadcast.cancelled_at = now
    broadcast.cancelled_by = by
    await due.cancel(session, f"bc:{broadcast.id}:")
    await ladder.withdraw_for(session, broadcast.id, None)  # SMS and calls, claimed ones too
    mine = or_(
        outbox.OutboxMessage.idempotency_key.startswith(f"bc:{broadcast.id}:"),
        outbox.OutboxMessage.idempotency_key.startswith(f"bcr:{broadcast.id}:"),
    )
    result = await session.execute(
        update(outbox.OutboxMessage)
        .where(mine, outbox.OutboxMessage.status == outbox.OutboxStatus.PENDING.value)
        .values(status=outbox.OutboxStatus.CANCELLED.value)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]

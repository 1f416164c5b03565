"""Sending a broadcast: one emergency outbox row per address, at most once; cancelling it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import LocalTime
from bot.core.messages import Button, Reply, Target
from bot.store import due, outbox
from models.broadcast import records as bc
from models.broadcast.settings import BroadcastConfig
from models.broadcast.state import initial_key
from models.broadcast.summary import queue_summary
from models.directory.users import User

RENOTIFY = "broadcast.renotify"


def ack_buttons(broadcast: bc.Broadcast) -> tuple[tuple[Button, ...], ...]:
    """One 收到 button; platforms without buttons show the command to type."""
    return ((Button("收到", f"收到 {broadcast.code}"),),)


def message(broadcast: bc.Broadcast, sender: str, tz: LocalTime, *, round_: int = 0) -> Reply:
    """The broadcast as recipients see it; ``round_`` > 0 for a re-notification."""
    label = f"{broadcast.level_enum.label}应急广播"
    head = f"【第{round_}次提醒·您尚未确认】{label} " if round_ else f"【{label}】"
    head += broadcast.scope
    sent = broadcast.sent_at or broadcast.created_at
    return Reply(
        f"{head}\n{broadcast.text}\n—— {sender} 发布于 {tz.fmt(sent)}\n"
        f"请点击「收到」确认，或回复：收到 {broadcast.code}",
        buttons=ack_buttons(broadcast),
    )


async def signature(session: AsyncSession, broadcast: bc.Broadcast) -> str:
    """``张三`` or ``张三（王刚 批准）``: who answers for the broadcast."""
    author = await session.get(User, broadcast.created_by)
    signed = author.name if author else ""
    if broadcast.approved_by is not None:
        approver = await session.get(User, broadcast.approved_by)
        signed += f"（{approver.name if approver else ''} 批准）"
    return signed


async def launch(
    session: AsyncSession,
    now: datetime,
    broadcast: bc.Broadcast,
    *,
    config: BroadcastConfig,
    tz: LocalTime,
) -> int:
    """Queue the broadcast to every recipient and start the acknowledgement loop.

    Returns how many messages were queued.
    """
    broadcast.status = bc.BroadcastStatus.ACTIVE.value
    broadcast.sent_at = now
    reply = message(broadcast, await signature(session, broadcast), tz)
    queued = 0
    for recipient in await bc.recipients(session, broadcast.id):
        for target in recipient.addresses:
            queued += await outbox.enqueue(
                session,
                now,
                Target.parse(target),
                reply,
                key=initial_key(broadcast.id, target),
                priority=outbox.Priority.EMERGENCY,
                kind="broadcast",
                at_most_once=True,
            )
    level = config.levels[broadcast.level_enum.value]
    await due.schedule(
        session,
        now,
        kind=RENOTIFY,
        due_at=now + timedelta(minutes=level.renotify_minutes),
        payload={"broadcast_id": broadcast.id, "round": 1},
        key=f"bc:{broadcast.id}:renotify",
    )
    await queue_summary(session, now, broadcast, config)
    return queued


async def cancel(session: AsyncSession, now: datetime, broadcast: bc.Broadcast, by: int) -> int:
    """Stop chasing: no re-notification, nothing not yet sent goes out. Returns rows withdrawn.

    Acknowledgements that still come are kept (see ``BroadcastAck.after_cancel``).
    """
    broadcast.status = bc.BroadcastStatus.CANCELLED.value
    broadcast.cancelled_at = now
    broadcast.cancelled_by = by
    await due.cancel(session, f"bc:{broadcast.id}:")
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

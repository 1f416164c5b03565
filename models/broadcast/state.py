"""Where a broadcast stands per recipient: delivery (from the outbox rows) and acknowledgement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.base import insert_ignore
from bot.store.outbox import OutboxMessage, OutboxStatus
from models.broadcast import ladder
from models.broadcast import records as bc

# Best first: what a recipient with several accounts counts as.
_DELIVERY_ORDER = (
    OutboxStatus.SENT,
    OutboxStatus.UNCERTAIN,
    OutboxStatus.SENDING,
    OutboxStatus.PENDING,
    OutboxStatus.FAILED,
    OutboxStatus.CANCELLED,
)
DELIVERY_LABELS = {
    OutboxStatus.SENT: "已送达",
    OutboxStatus.UNCERTAIN: "送达不确定",
    OutboxStatus.SENDING: "发送中",
    OutboxStatus.PENDING: "待发送",
    OutboxStatus.FAILED: "发送失败",
    OutboxStatus.CANCELLED: "已撤回未发",
}


def initial_key(broadcast_id: int, target: str) -> str:
    """Outbox key of the first message to ``target``: queued once, whatever happens."""
    return f"bc:{broadcast_id}:{target}"


@dataclass(frozen=True, slots=True)
class RecipientState:
    """One recipient's delivery and acknowledgement."""

    recipient: bc.BroadcastRecipient
    delivery: OutboxStatus | None
    sent_at: datetime | None
    ack: bc.BroadcastAck | None
    errors: tuple[str, ...] = ()

    @property
    def is_group(self) -> bool:
        """A group chat rather than a person."""
        return self.recipient.kind == bc.RecipientKind.GROUP.value

    @property
    def removed(self) -> bool:
        """The person was revoked before acknowledging: not counted, not chased."""
        return self.recipient.removed

    @property
    def waiting(self) -> bool:
        """A person still expected to acknowledge."""
        return not self.is_group and self.ack is None and not self.removed

    @property
    def delivered(self) -> bool:
        """The platform accepted the first message on at least one account."""
        return self.delivery is OutboxStatus.SENT


def counted(states: list[RecipientState]) -> list[RecipientState]:
    """The recipients a summary counts: everyone but the people revoked before acknowledging."""
    return [s for s in states if not s.removed]


async def progress(session: AsyncSession, broadcast_id: int) -> list[RecipientState]:
    """Every recipient's state, groups first; removed ones too (:func:`counted` drops them)."""
    recipients = await bc.recipients(session, broadcast_id)
    rows = await session.execute(
        select(
            OutboxMessage.idempotency_key,
            OutboxMessage.status,
            OutboxMessage.sent_at,
            OutboxMessage.last_error,
        ).where(OutboxMessage.idempotency_key.startswith(f"bc:{broadcast_id}:"))
    )
    outbox = {key: (OutboxStatus(status), sent, err) for key, status, sent, err in rows}
    acks = await bc.acks(session, broadcast_id)
    by_user = {a.user_id: a for a in acks}
    by_chat: dict[str, bc.BroadcastAck] = {}
    for one in acks:
        by_chat.setdefault(one.chat, one)
    states = []
    for r in recipients:
        found = [outbox[k] for t in r.targets if (k := initial_key(broadcast_id, t)) in outbox]
        statuses = [s for s, _, _ in found]
        delivery = next((s for s in _DELIVERY_ORDER if s in statuses), None)
        sent = min((at for _, at, _ in found if at is not None), default=None)
        ack: bc.BroadcastAck | None = None
        if r.kind == bc.RecipientKind.GROUP.value:
            ack = next((by_chat[t] for t in r.targets if t in by_chat), None)
        elif r.user_id is not None:
            ack = by_user.get(r.user_id)
        errors = tuple(e for _, _, e in found if e)
        states.append(RecipientState(r, delivery, sent, ack, errors))
    return states


async def record_ack(
    session: AsyncSession,
    now: datetime,
    broadcast: bc.Broadcast,
    *,
    user_id: int,
    platform: str,
    chat: str,
) -> tuple[bc.BroadcastAck, bool]:
    """Record ``user_id``'s acknowledgement once.

    SMS and calls of the escalation ladder not yet handed to the provider are withdrawn.

    Returns:
        The acknowledgement that counts (perhaps an earlier one) and whether it is new.
    """
    inserted = await session.execute(
        insert_ignore(session, bc.BroadcastAck).values(
            broadcast_id=broadcast.id,
            user_id=user_id,
            acked_at=now,
            platform=platform,
            chat=chat,
            after_cancel=broadcast.status == bc.BroadcastStatus.CANCELLED.value,
        )
    )
    ack = await session.scalar(
        select(bc.BroadcastAck).where(
            bc.BroadcastAck.broadcast_id == broadcast.id, bc.BroadcastAck.user_id == user_id
        )
    )
    assert ack is not None  # just inserted, or there before
    # Nothing goes by phone after an acknowledgement, not even a row the sender has claimed;
    # once nobody is silent, the 带班领导's calls are withdrawn too.
    await ladder.withdraw_for(session, broadcast.id, user_id)
    if await ladder.pending(session, broadcast.id) and not any(
        s.waiting for s in await progress(session, broadcast.id)
    ):
        await ladder.withdraw_for(session, broadcast.id, None)
    return ack, int(inserted.rowcount) == 1  # type: ignore[attr-defined]

"""A person revoked mid-broadcast: their unacknowledged receipts are cancelled or handed to a
successor, and what they drafted stops or passes on; the words are handlers/broadcast/revoke.py's.

An acknowledgement already given stays: it was theirs and it counts. Everything else that
names the person is settled here, so the next holder of their old chat account gets nothing
meant for them (the addresses themselves are resolved when each message is sent, see
:func:`models.broadcast.audience.current_addresses`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.broadcast import records as bc
from models.broadcast.send import cancel
from models.directory.users import User

_OPEN = (
    bc.BroadcastStatus.DRAFT.value,
    bc.BroadcastStatus.AWAITING.value,
    bc.BroadcastStatus.ACTIVE.value,
)


@dataclass
class Receipt:
    """One broadcast whose receipt by the revoked person was settled.

    Attributes:
        broadcast: The broadcast.
        taken_over: The successor's new recipient row, when they were not one already.
        already: The successor was already a recipient (nothing to hand over).
        note: What became of the receipt, as the summary shows it (``，其广播回执已取消``).
    """

    broadcast: bc.Broadcast
    taken_over: bc.BroadcastRecipient | None = None
    already: bool = False
    note: str = ""


@dataclass
class Settled:
    """What revoking one person did to broadcasts."""

    receipts: list[Receipt] = field(default_factory=list)
    withdrawn_drafts: list[bc.Broadcast] = field(default_factory=list)
    summaries_moved: list[bc.Broadcast] = field(default_factory=list)


def _note(successor: User | None, already: bool) -> str:
    if successor is None:
        return "，其广播回执已取消"
    if already:
        return f"，其广播回执已取消（{successor.name} 本已在接收名单）"
    return f"，其广播回执已转给 {successor.name}（{successor.org.name}）"


async def settle(
    session: AsyncSession,
    now: datetime,
    person: User,
    successor: User | None,
    old_accounts: list[str],
    *,
    successor_accounts: list[str],
) -> Settled:
    """Take ``person`` off every open broadcast they have not acknowledged.

    Args:
        session: The revoking transaction.
        now: When.
        person: The revoked person.
        successor: Who takes over their receipts, or None to cancel them.
        old_accounts: The chat addresses the person held (``platform:id``).
        successor_accounts: The successor's private addresses now.
    """
    done = Settled()
    rows = await session.execute(
        select(bc.BroadcastRecipient, bc.Broadcast)
        .join(bc.Broadcast, bc.Broadcast.id == bc.BroadcastRecipient.broadcast_id)
        .where(
            bc.BroadcastRecipient.user_id == person.id,
            bc.BroadcastRecipient.removed_at.is_(None),
            bc.Broadcast.status.in_(_OPEN),
        )
        .order_by(bc.Broadcast.id)
    )
    for recipient, broadcast in rows.all():
        acked = await session.scalar(
            select(bc.BroadcastAck.id).where(
                bc.BroadcastAck.broadcast_id == broadcast.id,
                bc.BroadcastAck.user_id == person.id,
            )
        )
        if acked is not None:
            continue
        receipt = Receipt(broadcast)
        # Before sending, the channel's roster is read again anyway (audience.refresh_roster):
        # the successor gets it then if the channel names them.
        heir = successor if broadcast.status == bc.BroadcastStatus.ACTIVE.value else None
        if heir is not None:
            receipt.already = await _is_recipient(session, broadcast.id, heir.id)
            if not receipt.already:
                receipt.taken_over = bc.BroadcastRecipient(
                    broadcast_id=broadcast.id,
                    kind=bc.RecipientKind.PERSON.value,
                    user_id=heir.id,
                    name=heir.name,
                    org=heir.org.name,
                    targets=[],
                    renotified=0,
                )
                session.add(receipt.taken_over)
        receipt.note = _note(heir, receipt.already)
        recipient.removed_at = now
        recipient.removed_note = receipt.note
        done.receipts.append(receipt)
    await session.flush()
    await _drafted(session, now, person, successor_accounts, old_accounts, done)
    return done


async def _is_recipient(session: AsyncSession, broadcast_id: int, user_id: int) -> bool:
    found = await session.scalar(
        select(bc.BroadcastRecipient.id).where(
            bc.BroadcastRecipient.broadcast_id == broadcast_id,
            bc.BroadcastRecipient.user_id == user_id,
            bc.BroadcastRecipient.removed_at.is_(None),
        )
    )
    return found is not None


async def _drafted(
    session: AsyncSession,
    now: datetime,
    person: User,
    successor_accounts: list[str],
    old_accounts: list[str],
    done: Settled,
) -> None:
    """Their unsent drafts are withdrawn; a sent broadcast's live summary leaves their old chat
    (for the successor's, or for nowhere)."""
    drafted = await session.scalars(
        select(bc.Broadcast)
        .where(bc.Broadcast.created_by == person.id, bc.Broadcast.status.in_(_OPEN))
        .order_by(bc.Broadcast.id)
    )
    for broadcast in drafted.all():
        if broadcast.status != bc.BroadcastStatus.ACTIVE.value:
            await cancel(session, now, broadcast, person.id)
            done.withdrawn_drafts.append(broadcast)
        elif broadcast.summary_target in old_accounts:
            broadcast.summary_target = successor_accounts[0] if successor_accounts else ""
            done.summaries_moved.append(broadcast)

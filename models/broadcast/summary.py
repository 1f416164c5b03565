"""The sender's live summary — 已送达 x / 已确认 y / 未确认 with names — edited in place.

Acks arrive in bursts; each one only makes sure a summary update is due shortly
(``broadcast.summary_delay_seconds``), so a hundred acks make a few edits, not a hundred
(a group takes at most 20 bot messages or edits a minute). The text is written by
handlers/broadcast/cards.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.messages import Target
from bot.store import live, outbox
from models.broadcast import records as bc
from models.broadcast.settings import BroadcastConfig

if TYPE_CHECKING:
    from bot.core.messages import Reply

SUMMARY = "broadcast.summary"


def edit_key(broadcast_id: int) -> str:
    """All summary messages of one broadcast edit the first one."""
    return f"bc:{broadcast_id}:summary"


async def queue_summary(
    session: AsyncSession, now: datetime, broadcast: bc.Broadcast, config: BroadcastConfig
) -> None:
    """Make sure a summary update is due soon (one pending at a time)."""
    await live.due_once(
        session,
        now,
        kind=SUMMARY,
        key=edit_key(broadcast.id),
        delay=timedelta(seconds=config.summary_delay_seconds),
        payload={"broadcast_id": broadcast.id},
    )


async def last_summary(session: AsyncSession, broadcast: bc.Broadcast) -> str | None:
    """The text of the summary last queued for ``broadcast`` (None: none, or its text purged)."""
    return await live.last_text(session, edit_key(broadcast.id), "broadcast_summary")


async def push_summary(
    session: AsyncSession, now: datetime, broadcast: bc.Broadcast, summary: Reply
) -> None:
    """Queue ``summary`` (what stands now, editing :func:`edit_key`) to the sender's chat."""
    if not broadcast.summary_target:
        return  # the sender was revoked and nobody took over
    broadcast.summary_seq += 1
    await outbox.enqueue(
        session,
        now,
        Target.parse(broadcast.summary_target),
        summary,
        key=f"bcs:{broadcast.id}:{broadcast.summary_seq}",
        priority=outbox.Priority.INTERACTIVE,
        kind="broadcast_summary",
    )

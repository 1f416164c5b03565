"""Live summaries: one chat message that a feature edits in place as its state changes (a
broadcast's 回执, a meeting's 参会回执), queued again only when its text says something new.

Changes arrive in bursts, so each one only makes sure an update is due shortly (one pending at a
time); the job that fires compares the new text with the last one queued under the same edit key
and queues nothing when only the closing 更新于 line differs — a restart or a round with no news
must not repeat it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store import due, outbox


async def due_once(
    session: AsyncSession,
    now: datetime,
    *,
    kind: str,
    key: str,
    delay: timedelta,
    payload: dict[str, Any],
) -> None:
    """Make sure an update of kind ``kind`` keyed ``key`` is due within ``delay``."""
    pending = await session.scalar(
        select(due.DueItem.id).where(
            due.DueItem.key == key, due.DueItem.status == due.DueStatus.PENDING.value
        )
    )
    if pending is None:
        await due.schedule(session, now, kind=kind, due_at=now + delay, payload=payload, key=key)


async def last_text(session: AsyncSession, edit_key: str, kind: str) -> str | None:
    """The text last queued under ``edit_key`` (None: none yet, or its text purged)."""
    payload = await session.scalar(
        select(outbox.OutboxMessage.payload)
        .where(outbox.OutboxMessage.edit_key == edit_key, outbox.OutboxMessage.kind == kind)
        .order_by(outbox.OutboxMessage.id.desc())
        .limit(1)
    )
    return payload.get("text") if isinstance(payload, dict) else None


def same_text(text: str, earlier: str | None) -> bool:
    """Whether two summaries say the same but for their last (更新于) line."""
    return earlier is not None and text.rsplit("\n", 1)[0] == earlier.rsplit("\n", 1)[0]

"""What administrators do with the outbox: list its rows, queue failed ones again, and read a
row in one line (its text, and the file it carries)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.outbox import OutboxMessage, OutboxStatus


def file_note(payload: dict[str, Any]) -> str:
    """``［附件 名称］`` for a row that carries a file, else empty."""
    file = payload.get("attachment")
    return f"［附件 {file['name']}］" if file else ""


def summary(payload: dict[str, Any], width: int) -> str:
    """The start of a row's text, and the name of its attached file if it has one."""
    return str(payload.get("text", ""))[:width] + file_note(payload)


async def list_rows(
    session: AsyncSession, status: OutboxStatus | None = None, limit: int = 50
) -> list[OutboxMessage]:
    """Newest rows first, optionally of one status."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status.value)
    return list(await session.scalars(query))


async def retry_failed(session: AsyncSession, now: datetime, ids: list[int] | None) -> int:
    """Put failed rows (all, or those listed) back in the queue with a fresh attempt budget.

    A row whose file was deleted meanwhile (``outbox.file_keep_days``) goes out with a note.
    """
    stmt = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED.value)
    if ids:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    result = await session.execute(
        stmt.values(status=OutboxStatus.PENDING.value, attempts=0, next_attempt_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]

"""What administrators do with the outbox: list its rows, queue failed ones again, read a row in
one line (its text masked, and the file it carries), and clear the text of old finished rows."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.privacy import mask_text
from bot.store.outbox import OutboxMessage, OutboxStatus
from bot.store.outbox_files import FINISHED

_QUERY = re.compile(r"(https?://[^\s?#]+)\?[^\s#]*")
PURGED: dict[str, Any] = {"text": "〔已过保存期限，内容已清除〕", "purged": True}
"""What a finished row says once ``outbox.text_keep_days`` have passed (docs/privacy.md)."""


def file_note(payload: dict[str, Any]) -> str:
    """``［附件 名称］`` for a row that carries a file, else empty."""
    file = payload.get("attachment")
    return f"［附件 {file['name']}］" if file else ""


def summary(payload: dict[str, Any], width: int) -> str:
    """The start of a row's text, and the name of its attached file if it has one; a link's
    query string is left out (it may carry a one-time sign-in token: docs/web.md)."""
    text = _QUERY.sub(r"\1?…", str(payload.get("text", "")))
    return mask_text(text)[:width] + file_note(payload)


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
    stmt = update(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.FAILED.value, OutboxMessage.payload != PURGED
    )
    if ids:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    result = await session.execute(
        stmt.values(status=OutboxStatus.PENDING.value, attempts=0, next_attempt_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def purge_text(session: AsyncSession, before: datetime) -> int:
    """Replace what finished rows queued before ``before`` said (their text, buttons, file name)
    by :data:`PURGED`; the key, target, status and times stay. Returns how many were cleared.

    A failed row cleared this way can no longer be queued again (its text is gone).
    """
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status.in_(FINISHED),
            OutboxMessage.created_at < before,
            OutboxMessage.payload != PURGED,
        )
        .values(payload=PURGED)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]

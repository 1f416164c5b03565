"""What became of a claimed outbox row: sent (one by one or a batch at once), to be retried,
failed, redacted; and which sent message a later reply edits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.messages import Target
from bot.store.base import table_of
from bot.store.outbox import OutboxMessage, OutboxStatus
from bot.store.sql import Prepared


async def _set(session: AsyncSession, row_id: int, **values: Any) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


_TABLE = table_of(OutboxMessage)
# Once per sent row, at a broadcast's pace: compiled once (bot/store/sql.py).
_MARK_SENT = Prepared(
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"))
    .values(
        status=OutboxStatus.SENT.value,
        sent_at=bindparam("now", type_=_TABLE.c.sent_at.type),
        lease_until=None,
        claimed_by=None,
        external_id=bindparam("external_id", type_=_TABLE.c.external_id.type),
        attempts=_TABLE.c.attempts + 1,
    )
)


async def mark_sent(session: AsyncSession, row_id: int, now: datetime, external_id: str) -> None:
    """Delivered."""
    await _MARK_SENT.execute(session, {"row_id": row_id, "now": now, "external_id": external_id})


async def mark_sent_many(
    session: AsyncSession, now: datetime, sent: list[tuple[int, str]]
) -> None:
    """Delivered, each (row id, platform message id) of ``sent``: one executemany."""
    await _MARK_SENT.execute_many(
        session, [{"row_id": i, "now": now, "external_id": e} for i, e in sent]
    )


async def mark_retry(
    session: AsyncSession, row_id: int, at: datetime, error: str | None, *, counted: bool = True
) -> None:
    """Try again at ``at``. Rate-limit deferrals are not counted as attempts."""
    values: dict[str, Any] = {
        "status": OutboxStatus.PENDING.value,
        "next_attempt_at": at,
        "lease_until": None,
        "send_started_at": None,
        "claimed_by": None,
    }
    if counted:
        values["attempts"] = OutboxMessage.attempts + 1
        values["last_error"] = error
    await _set(session, row_id, **values)


async def mark_failed(session: AsyncSession, row_id: int, now: datetime, error: str) -> None:
    """Given up: permanent error or attempts exhausted. Visible in ``outbox list --failed``."""
    await _set(
        session,
        row_id,
        status=OutboxStatus.FAILED.value,
        lease_until=None,
        claimed_by=None,
        last_error=error,
        attempts=OutboxMessage.attempts + 1,
        next_attempt_at=now,
    )


async def replace_payload(session: AsyncSession, row_id: int, payload: dict[str, Any]) -> None:
    """Overwrite what a row says (the sender redacting a row queued before the guard)."""
    await _set(session, row_id, payload=payload)


async def edited_message(session: AsyncSession, target: Target, edit_key: str) -> str | None:
    """The platform id of the message a reply with ``edit_key`` should edit, if one was sent."""
    return await session.scalar(
        select(OutboxMessage.external_id)
        .where(
            OutboxMessage.target == str(target),
            OutboxMessage.edit_key == edit_key,
            OutboxMessage.status == OutboxStatus.SENT.value,
        )
        .order_by(OutboxMessage.id)
        .limit(1)
    )

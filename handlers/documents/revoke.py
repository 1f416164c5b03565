"""Revoking a person, for 办文: a leader who has not yet read a document leaves its 传阅 order
(the successor takes the place), and the next leader is sent the card at once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.clock import LocalTime, SystemClock
from bot.core.context import WorkContext
from handlers import notify
from handlers.documents import cards
from models.directory.revoke import Revocation
from models.documents import flow


async def settle_documents(
    session: AsyncSession, config: Config, tz: LocalTime, rev: Revocation
) -> list[str]:
    """Settle every 传阅 that waits on or still lists ``rev.person``; one line per document."""
    # The clock is not read: everything here happens at ``rev.now``.
    ctx = WorkContext(session=session, clock=SystemClock(), config=config, tz=tz, now=rev.now)
    lines = []
    for doc, reader in await flow.leave(session, rev.person, rev.successor, rev.now):
        if reader is not None:
            await notify.tell(
                ctx,
                [reader.user_id],
                cards.reading_card(doc, tz),
                key=f"doc:{doc.id}:read:{reader.seq}:{reader.user_id}",
                kind="documents",
                fallback=[doc.created_by],
            )
        where = f"，已转 {reader.user.name} 阅" if reader is not None else ""
        lines.append(f"{doc.short}：{rev.person.name} 已移出传阅{where}")
    return lines

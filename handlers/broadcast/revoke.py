"""Revoking a person, for broadcasts: their open receipts are cancelled or handed to the
successor (who is sent the broadcast at once), and each drafter is told."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.clock import LocalTime
from handlers.broadcast import cards
from models.broadcast import chase, withdraw
from models.broadcast import records as bc
from models.broadcast.send import deliver, signers
from models.broadcast.settings import BROADCAST
from models.broadcast.summary import queue_summary
from models.directory import binding
from models.directory.revoke import Revocation


async def settle_broadcasts(
    session: AsyncSession, config: Config, tz: LocalTime, rev: Revocation
) -> list[str]:
    """Settle every open broadcast that names ``rev.person``; one line per broadcast."""
    successor_accounts = []
    if rev.successor is not None:
        found = await binding.private_targets(session, [rev.successor.id])
        successor_accounts = [f"{platform}:{address}" for _, platform, address in found]
    done = await withdraw.settle(
        session,
        rev.now,
        rev.person,
        rev.successor,
        list(rev.accounts),
        successor_accounts=successor_accounts,
    )
    lines = []
    for receipt in done.receipts:
        broadcast = receipt.broadcast
        active = broadcast.status == bc.BroadcastStatus.ACTIVE.value
        if receipt.taken_over is not None and active:
            message = cards.message(broadcast, await signers(session, broadcast), tz)
            await deliver(session, rev.now, broadcast, message, only=[receipt.taken_over])
        if active:
            await queue_summary(session, rev.now, broadcast, BROADCAST.of(config))
        notice = cards.revoked_notice(broadcast, rev.person.name, receipt.note)
        await chase.tell(session, rev.now, broadcast, notice, topic=f"bcv:{rev.person.id}")
        lines.append(f"{broadcast.title}：{rev.person.name}{receipt.note}，已告知起草人")
    for broadcast in done.withdrawn_drafts:
        lines.append(f"{broadcast.title}：由其起草、尚未发送，已撤回")
    for broadcast in done.summaries_moved:
        where = "改发给接替人" if broadcast.summary_target else "不再推送"
        lines.append(f"{broadcast.title}：由其发出，回执汇总{where}")
    return lines

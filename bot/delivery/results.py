"""What the sender records after a send: audit rows, retries with backoff, failures for admins."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import OutboxConfig
from bot.core.errors import DeliveryError
from bot.core.messages import Reply, Target
from bot.core.ports import Directory
from bot.store import audit, outbox, outbox_admin, outbox_once

log = logging.getLogger("dutybot.sender")


def backoff(cfg: OutboxConfig, attempts: int) -> timedelta:
    """Delay before attempt ``attempts + 1``: base·2^(attempts−1), capped."""
    seconds = cfg.backoff_base_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, cfg.backoff_max_seconds))


async def audit_outbound(
    session: AsyncSession, now: datetime, row: outbox.Claimed, outcome: str, note: str
) -> None:
    """One audit row per outbound result: sent, failed or uncertain."""
    await audit.append(
        session,
        now,
        audit.Entry(
            kind="outbound",
            command=row.kind,
            outcome=outcome,
            platform=row.target.platform,
            chat=str(row.target),
            detail={
                "outbox_id": row.id,
                "key": row.idempotency_key,
                "note": note[:300],
                "text": outbox_admin.summary(row.payload, 200),  # with the file's name
            },
        ),
    )


async def failed_attempt(
    session: AsyncSession,
    cfg: OutboxConfig,
    now: datetime,
    row: outbox.Claimed,
    exc: DeliveryError,
    platforms: set[str],
    directory: Directory,
) -> None:
    """Record a send that did not go through: retry later, give up, or leave in doubt.

    Args:
        session: The open transaction.
        cfg: Outbox settings (attempts, backoff).
        now: The sender's clock.
        row: The row that was being sent.
        exc: What the adapter said.
        platforms: Platforms the administrators can be told on.
        directory: Who the administrators are.
    """
    attempts = row.attempts + 1
    if row.at_most_once and exc.uncertain:
        note = f"是否送达不确定，不重发：{exc}"
        await outbox_once.mark_uncertain(session, row.id, note)
        await audit_outbound(session, now, row, "uncertain", note)
    elif exc.permanent or attempts >= cfg.max_attempts:
        reason = str(exc) if exc.permanent else f"重试 {attempts} 次仍失败：{exc}"
        await outbox.mark_failed(session, row.id, now, reason)
        await audit_outbound(session, now, row, "failed", reason)
        if row.notify_on_failure:
            await _alert_admins(session, now, row, reason, platforms, directory)
        log.warning("outbox row %s to %s failed for good: %s", row.id, row.target, reason)
    else:
        delay = timedelta(seconds=exc.retry_after) if exc.retry_after else backoff(cfg, attempts)
        await outbox.mark_retry(session, row.id, now + delay, str(exc))


async def _alert_admins(
    session: AsyncSession,
    now: datetime,
    row: outbox.Claimed,
    reason: str,
    platforms: set[str],
    directory: Directory,
) -> None:
    """Tell every admin, on every account they have, that a message was not delivered."""
    text = (
        f"【投递失败】发往 {row.target} 的{row.kind}消息（编号 {row.id}）未能送达：{reason}\n"
        f"内容摘要：{outbox_admin.summary(row.payload, 60)}\n"
        f"处理：核实地址后执行 dutybot outbox retry {row.id}，"
        "或在聊天中发送 /outbox failed 查看。"
    )
    priority = min(row.priority, outbox.Priority.INTERACTIVE)
    for user_id, platform, address in await directory.admin_accounts(session):
        if platform not in platforms:
            continue
        await outbox.enqueue(
            session,
            now,
            Target(platform, address),
            Reply(text),
            key=f"alert:outbox:{row.id}:{user_id}:{platform}",
            priority=outbox.Priority(priority),
            kind="alert",
            notify_on_failure=False,
        )

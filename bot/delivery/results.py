"""What the sender records around a send: audit rows, retries with backoff, failures and
redactions told to the admins."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import OutboxConfig
from bot.core import privacy, redaction
from bot.core.errors import DeliveryError
from bot.core.messages import Reply, Target
from bot.core.ports import Adapter, Directory, Resends
from bot.store import audit, outbox, outbox_admin, outbox_once, outbox_results

log = logging.getLogger("dutybot.sender")


def send_call(
    adapter: Adapter, row: outbox.Claimed, reply: Reply, edit_of: str | None
) -> Awaitable[str]:
    """The adapter's send of ``row``: a row tried before (a failed attempt, or a lease that ran
    out) goes through ``send_again`` where the adapter has one — WeCom then asks for its
    duplicate check, which a first attempt must not (bot/adapters/wecom/outbound.py)."""
    if (row.attempts or row.resent) and isinstance(adapter, Resends):
        return adapter.send_again(row.target.address, reply, edit_of, row.created_at)
    return adapter.send(row.target.address, reply, edit_of)


async def settle_abandoned(session: AsyncSession, now: datetime) -> None:
    """At-most-once rows cut off mid-send (their lease ran out) become uncertain, audited."""
    for stuck in await outbox_once.settle_abandoned(session, now):
        log.warning("outbox row %s to %s was cut off mid-send", stuck.id, stuck.target)
        await audit_outbound(session, now, stuck, "uncertain", outbox_once.UNCERTAIN_NOTE)


def backoff(cfg: OutboxConfig, attempts: int) -> timedelta:
    """Delay before attempt ``attempts + 1``: base·2^(attempts−1), capped."""
    seconds = cfg.backoff_base_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, cfg.backoff_max_seconds))


def outbound_entry(row: outbox.Claimed, outcome: str, note: str) -> audit.Entry:
    """The audit row of one outbound result: sent, failed or uncertain; personal data masked.

    A row sent again after its sender died says so (``resent``): it may have arrived twice.
    """
    detail: dict[str, object] = {
        "outbox_id": row.id,
        "key": row.idempotency_key,
        "note": privacy.mask_text(note)[:300],
        "text": outbox_admin.summary(row.payload, 200),  # masked; with the file's name
    }
    if row.resent:
        detail["resent"] = "after_restart"
    return audit.Entry(
        kind="outbound",
        command=row.kind,
        outcome=outcome,
        platform=row.target.platform,
        chat=str(row.target),
        detail=detail,
    )


async def audit_outbound(
    session: AsyncSession, now: datetime, row: outbox.Claimed, outcome: str, note: str
) -> None:
    """Append :func:`outbound_entry` to the audit chain."""
    await audit.append(session, now, outbound_entry(row, outcome, note))


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
        await outbox_results.mark_failed(session, row.id, now, reason)
        await audit_outbound(session, now, row, "failed", reason)
        if row.notify_on_failure:
            await _alert_admins(session, now, row, reason, platforms, directory)
        log.warning("outbox row %s to %s failed for good: %s", row.id, row.target, reason)
    else:
        delay = timedelta(seconds=exc.retry_after) if exc.retry_after else backoff(cfg, attempts)
        await outbox_results.mark_retry(session, row.id, now + delay, str(exc))


def _which(row: outbox.Claimed) -> str:
    return f"发往 {row.target} 的{row.kind}消息（编号 {row.id}）"


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
        f"【投递失败】{_which(row)}未能送达：{reason}\n"
        f"内容摘要：{outbox_admin.summary(row.payload, 60)}\n"
        f"处理：核实地址后执行 dutybot outbox retry {row.id}，"
        "或在聊天中发送 /outbox failed 查看。"
    )
    await _tell_admins(session, now, row, "outbox", text, platforms, directory)


async def redacted(
    session: AsyncSession,
    now: datetime,
    row: outbox.Claimed,
    payload: dict[str, Any],
    platforms: set[str],
    directory: Directory,
) -> outbox.Claimed:
    """``row`` goes out as ``payload`` (from :func:`bot.core.redaction.screen`): tell the admins.

    Rows are redacted when queued; one queued before that (its payload differs) is stored
    redacted now. The notice names the row and its key (where it came from), never the text.
    """
    if payload is not row.payload:
        await outbox_results.replace_payload(session, row.id, payload)
    text = (
        f"【密级标识】{_which(row)}含密级标识（{payload.get(redaction.FLAG)}），"
        "相关内容已隐去后发送。\n"
        f"请核查产生这条消息的数据（{row.idempotency_key}），按「涉密不上网、上网不涉密」的规定"
        "删除或更正；涉密事项请通过机要渠道办理。"
    )
    await _tell_admins(session, now, row, "secrecy", text, platforms, directory)
    return replace(row, payload=payload)


async def _tell_admins(
    session: AsyncSession,
    now: datetime,
    row: outbox.Claimed,
    about: str,
    text: str,
    platforms: set[str],
    directory: Directory,
) -> None:
    """Queue ``text`` about ``row`` for every admin, on every account they have, once."""
    priority = min(row.priority, outbox.Priority.INTERACTIVE)
    for user_id, platform, address in await directory.admin_accounts(session):
        if platform not in platforms:
            continue
        await outbox.enqueue(
            session,
            now,
            Target(platform, address),
            Reply(text),
            key=f"alert:{about}:{row.id}:{user_id}:{platform}",
            priority=outbox.Priority(priority),
            kind="alert",
            notify_on_failure=False,
        )

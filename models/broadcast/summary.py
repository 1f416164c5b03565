"""The sender's live summary — 已送达 x / 已确认 y / 未确认 with names — edited in place.

Acks arrive in bursts; each one only makes sure a summary update is due shortly
(``broadcast.summary_delay_seconds``), so a hundred acks make a few edits, not a hundred
(a group takes at most 20 bot messages or edits a minute).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import LocalTime
from bot.core.messages import Reply, Target
from bot.store import due, outbox
from models.broadcast import records as bc
from models.broadcast.settings import BroadcastConfig
from models.broadcast.state import DELIVERY_LABELS, RecipientState, progress

SUMMARY = "broadcast.summary"
MAX_NAMES = 40  # keeps the message well under every platform's length limit


def _names(items: list[str]) -> str:
    shown = "、".join(items[:MAX_NAMES])
    return shown + (f" 等 {len(items)} 个" if len(items) > MAX_NAMES else "")


def render(
    broadcast: bc.Broadcast, states: list[RecipientState], tz: LocalTime, now: datetime
) -> str:
    """The summary text."""
    status = bc.BroadcastStatus(broadcast.status)
    delivered = sum(s.delivered for s in states)
    acked = sum(s.ack is not None for s in states)
    people = [s for s in states if not s.is_group]
    lines = [
        f"【广播回执】{broadcast.title} · {status.label}",
        f"已送达 {delivered} / {len(states)}　已确认 {acked} / {len(states)}",
    ]
    waiting = [s.recipient.display for s in people if s.ack is None]
    if waiting:
        lines.append(f"未确认（{len(waiting)}）：{_names(waiting)}")
    silent = [s.recipient.name for s in states if s.is_group and s.ack is None]
    if silent:
        lines.append(f"⚠ 无人确认的群（{len(silent)}）：{_names(silent)}")
    trouble = [
        f"{s.recipient.name}（{DELIVERY_LABELS[s.delivery]}）"
        for s in states
        if s.delivery is not None and not s.delivered and s.delivery in _TROUBLE
    ]
    if trouble:
        lines.append(f"⚠ 送达异常：{_names(trouble)}")
    if status is bc.BroadcastStatus.CANCELLED:
        lines.append(f"已于 {tz.fmt(broadcast.cancelled_at)} 撤回，不再提醒；此后的确认仍会记录。")
    lines.append(f"更新于 {tz.fmt(now)}　详情：/broadcast_status {broadcast.id}")
    return "\n".join(lines)


_TROUBLE = {outbox.OutboxStatus.FAILED, outbox.OutboxStatus.UNCERTAIN}


def edit_key(broadcast_id: int) -> str:
    """All summary messages of one broadcast edit the first one."""
    return f"bc:{broadcast_id}:summary"


async def queue_summary(
    session: AsyncSession, now: datetime, broadcast: bc.Broadcast, config: BroadcastConfig
) -> None:
    """Make sure a summary update is due soon (one pending at a time)."""
    key = edit_key(broadcast.id)
    pending = await session.scalar(
        select(due.DueItem.id).where(
            due.DueItem.key == key, due.DueItem.status == due.DueStatus.PENDING.value
        )
    )
    if pending is None:
        await due.schedule(
            session,
            now,
            kind=SUMMARY,
            due_at=now + timedelta(seconds=config.summary_delay_seconds),
            payload={"broadcast_id": broadcast.id},
            key=key,
        )


async def push_summary(
    session: AsyncSession, now: datetime, broadcast: bc.Broadcast, tz: LocalTime
) -> None:
    """Queue the current summary to the sender's chat, editing the earlier one."""
    broadcast.summary_seq += 1
    text = render(broadcast, await progress(session, broadcast.id), tz, now)
    await outbox.enqueue(
        session,
        now,
        Target.parse(broadcast.summary_target),
        Reply(text, edit_key=edit_key(broadcast.id)),
        key=f"bcs:{broadcast.id}:{broadcast.summary_seq}",
        priority=outbox.Priority.INTERACTIVE,
        kind="broadcast_summary",
    )

"""Escalating unacknowledged broadcasts to each person's unit leaders and to the sender.

Runs after the last re-notification (``broadcast.levels.<级别>.max_renotify``) has gone unanswered.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import LocalTime
from bot.core.messages import Reply, Target
from bot.core.roles import Role
from bot.store import outbox
from models.broadcast import records as bc
from models.broadcast.state import RecipientState
from models.directory import binding
from models.directory.users import User, UserRole


async def escalate(
    session: AsyncSession,
    now: datetime,
    broadcast: bc.Broadcast,
    states: list[RecipientState],
    tz: LocalTime,
) -> None:
    """Tell each unit leader who in their unit has not acknowledged, and the sender everything."""
    waiting = [s for s in states if not s.is_group and s.ack is None]
    silent = [s.recipient.name for s in states if s.is_group and s.ack is None]
    if not waiting and not silent:
        return
    minutes = int((now - (broadcast.sent_at or now)).total_seconds() // 60)
    head = f"【未确认上报】{broadcast.title} 发出 {minutes} 分钟，经 {_rounds(waiting)} 次提醒"
    leaders = await _unit_leaders(session, [s.recipient.user_id for s in waiting])
    per_leader: dict[int, list[str]] = defaultdict(list)
    for state in waiting:
        state.recipient.escalated_at = now
        for leader_id in leaders.get(state.recipient.user_id or 0, []):
            if leader_id != state.recipient.user_id:
                per_leader[leader_id].append(state.recipient.name)
    gist = broadcast.text[:60]
    for leader_id, names in per_leader.items():
        text = f"{head}，贵单位仍未确认：{'、'.join(names)}。请督促确认。\n内容：{gist}"
        await _tell(session, now, leader_id, Reply(text), key=f"bce:{broadcast.id}:{leader_id}")
    lines = [f"{head}，仍未确认：{'、'.join(s.recipient.display for s in waiting) or '无'}"]
    if silent:
        lines.append(f"无人确认的群：{'、'.join(silent)}")
    lines.append(
        f"已通知相关单位领导 {len(per_leader)} 人。详情：/broadcast_status {broadcast.id}"
    )
    await _tell(
        session, now, broadcast.created_by, Reply("\n".join(lines)), key=f"bce:{broadcast.id}:s"
    )


def _rounds(waiting: list[RecipientState]) -> int:
    return max((s.recipient.renotified for s in waiting), default=0)


async def _unit_leaders(session: AsyncSession, user_ids: list[int | None]) -> dict[int, list[int]]:
    """Each person's unit leaders: active users with the leader role in the same org unit."""
    ids = [u for u in user_ids if u is not None]
    if not ids:
        return {}
    people = (await session.execute(select(User.id, User.org_id).where(User.id.in_(ids)))).all()
    orgs = {org for _, org in people}
    rows = await session.execute(
        select(User.id, User.org_id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.LEADER.value, User.active.is_(True), User.org_id.in_(orgs))
    )
    by_org: dict[int, list[int]] = defaultdict(list)
    for leader_id, org in rows:
        by_org[org].append(leader_id)
    return {user_id: by_org.get(org, []) for user_id, org in people}


async def _tell(
    session: AsyncSession, now: datetime, user_id: int, reply: Reply, key: str
) -> None:
    """A private emergency message to every account of one person."""
    for _, platform, address in await binding.private_targets(session, [user_id]):
        await outbox.enqueue(
            session,
            now,
            Target(platform, address),
            reply,
            key=f"{key}:{platform}:{address}",
            priority=outbox.Priority.EMERGENCY,
            kind="broadcast_escalation",
        )

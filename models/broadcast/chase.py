"""Escalating unacknowledged broadcasts to each person's unit leaders and to the sender.

Runs after the last re-notification (``broadcast.levels.<级别>.max_renotify``) has gone unanswered.
:func:`escalate` decides who is told what; the caller writes the messages
(handlers/broadcast/cards.py) and :func:`tell` queues each.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.messages import Target
from bot.core.roles import Role
from bot.store import outbox
from models.broadcast import records as bc
from models.broadcast.state import RecipientState
from models.directory import binding
from models.directory.users import User, UserRole

if TYPE_CHECKING:
    from bot.core.messages import Reply


@dataclass(frozen=True, slots=True)
class Escalation:
    """Who is still silent after the last re-notification, and which leader hears of whom.

    Attributes:
        minutes: Since the broadcast was sent.
        rounds: Re-notifications the silent people got.
        waiting: People who have not acknowledged (as the sender knows them).
        silent_groups: Groups where nobody has.
        leaders: Each unit leader's id → the names of their people who have not.
    """

    minutes: int
    rounds: int
    waiting: tuple[str, ...]
    silent_groups: tuple[str, ...]
    leaders: dict[int, list[str]]


async def escalate(
    session: AsyncSession, now: datetime, broadcast: bc.Broadcast, states: list[RecipientState]
) -> Escalation | None:
    """Mark the silent people escalated; None when everyone has acknowledged.

    Each unit leader is to be told who in their unit has not acknowledged, the sender everything.
    """
    waiting = [s for s in states if s.waiting]
    silent = [s.recipient.name for s in states if s.is_group and s.ack is None]
    if not waiting and not silent:
        return None
    leaders = await _unit_leaders(session, [s.recipient.user_id for s in waiting])
    per_leader: dict[int, list[str]] = defaultdict(list)
    for state in waiting:
        state.recipient.escalated_at = now
        for leader_id in leaders.get(state.recipient.user_id or 0, []):
            if leader_id != state.recipient.user_id:
                per_leader[leader_id].append(state.recipient.name)
    return Escalation(
        minutes=int((now - (broadcast.sent_at or now)).total_seconds() // 60),
        rounds=_rounds(waiting),
        waiting=tuple(s.recipient.display for s in waiting),
        silent_groups=tuple(silent),
        leaders=dict(per_leader),
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


async def tell(
    session: AsyncSession,
    now: datetime,
    broadcast: bc.Broadcast,
    reply: Reply,
    *,
    leader: int | None = None,
    topic: str = "bce",
) -> None:
    """``reply`` about ``broadcast``, urgent and private, to every account of one unit leader
    (of the sender when ``leader`` is None); ``topic`` keeps each kind of notice once."""
    user_id = broadcast.created_by if leader is None else leader
    to = "s" if leader is None else leader
    for _, platform, address in await binding.private_targets(session, [user_id]):
        await outbox.enqueue(
            session,
            now,
            Target(platform, address),
            reply,
            key=f"{topic}:{broadcast.id}:{to}:{platform}:{address}",
            priority=outbox.Priority.EMERGENCY,
            kind="broadcast_escalation",
        )

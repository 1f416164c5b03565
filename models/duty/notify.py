"""Telling people privately about their duty: every chat account they have, one outbox row each,
keyed so that a retried job never sends twice."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.messages import Target
from bot.core.roles import Role
from bot.store import outbox
from models.directory import binding
from models.directory.users import users_with_role

if TYPE_CHECKING:
    from bot.core.messages import Reply


async def tell(
    session: AsyncSession,
    now: datetime,
    user_ids: Iterable[int],
    reply: Reply,
    *,
    key: str,
    priority: outbox.Priority = outbox.Priority.ROUTINE,
    kind: str = "duty",
) -> int:
    """Queue ``reply`` (written by the caller) to each person's private chats; returns how many
    accounts it went to.

    Zero means nobody could be reached: callers escalate rather than drop it.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    count = 0
    for user_id, platform, address in await binding.private_targets(session, ids):
        await outbox.enqueue(
            session,
            now,
            Target(platform, address),
            reply,
            key=f"{key}:{user_id}:{platform}",
            priority=priority,
            kind=kind,
        )
        count += 1
    return count


async def admin_ids(session: AsyncSession) -> list[int]:
    """Active administrators."""
    return [u.id for u in await users_with_role(session, Role.ADMIN)]


async def leader_ids(session: AsyncSession) -> list[int]:
    """Active leaders (when a slot has no 带班领导)."""
    return [u.id for u in await users_with_role(session, Role.LEADER)]

"""Who is told: every bound account of each person; when none of them can be reached, the
fallback people (then the admins) instead, so nothing is dropped silently.

The words are the caller's: handlers/notify.py writes the message and, when it went to the
fallback, who it was meant for; :func:`deliver` queues the finished message to each account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import WorkContext
from bot.core.messages import Target
from bot.core.roles import Role
from models.directory import binding
from models.directory.users import User, users_with_role

if TYPE_CHECKING:
    from bot.core.messages import Reply


@dataclass(frozen=True, slots=True)
class Reach:
    """The accounts a message for some people goes to, decided before its words are written.

    Attributes:
        accounts: (user id, platform, address) of each private chat it goes to.
        reached: At least one of the people it is for has an account.
        redirected_from: When it goes to the fallback instead, the names of the people it is
            for (in id order; empty when it was for nobody); None otherwise.
    """

    accounts: list[tuple[int, str, str]]
    reached: bool
    redirected_from: tuple[str, ...] | None = None


async def reach(
    session: AsyncSession, user_ids: list[int], fallback: list[int] | None = None
) -> Reach:
    """The accounts of ``user_ids``; when none has one, those of ``fallback`` (else the admins).

    Args:
        session: The caller's transaction.
        user_ids: The people it is for.
        fallback: Who to tell when none of ``user_ids`` is reachable (the admins after them);
            None when the caller reports the gap itself.
    """
    accounts = await binding.private_targets(session, user_ids)
    if accounts or fallback is None:
        return Reach(accounts, bool(accounts))
    meant_for = await session.scalars(
        select(User.name).where(User.id.in_(user_ids)).order_by(User.id)
    )
    accounts = await binding.private_targets(session, fallback)
    if not accounts:
        admins = await users_with_role(session, Role.ADMIN)
        accounts = await binding.private_targets(session, [u.id for u in admins])
    return Reach(accounts, False, tuple(meant_for))


async def deliver(ctx: WorkContext, found: Reach, reply: Reply, *, key: str, kind: str) -> None:
    """Queue ``reply`` to every account in ``found``, committed with the caller's transaction.

    Args:
        ctx: The handler's or job's context.
        found: Where it goes (:func:`reach`).
        reply: The finished message (one file in it is drawn once for every account).
        key: Outbox key prefix; each account gets ``key:user:platform``.
        kind: Outbox kind, for statistics.
    """
    for user_id, platform, address in found.accounts:
        target = Target(platform, address)
        await ctx.send(target, reply, key=f"{key}:{user_id}:{platform}", kind=kind)

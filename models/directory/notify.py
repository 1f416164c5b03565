"""Telling people: every bound account of each person gets the message; when none of them can be
reached, the fallback people (then the admins) are told instead, so nothing is dropped silently."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import WorkContext
from bot.core.messages import Attachment, Button, Reply, Target
from bot.core.roles import Role
from models.directory import binding
from models.directory.users import User, users_with_role


async def names(session: AsyncSession, user_ids: list[int]) -> str:
    """``孙伟、周敏`` for a message, or ``无人``."""
    found = await session.scalars(select(User.name).where(User.id.in_(user_ids)).order_by(User.id))
    return "、".join(found) or "无人"


async def tell(
    ctx: WorkContext,
    user_ids: list[int],
    text: str,
    *,
    key: str,
    kind: str,
    fallback: list[int] | None = None,
    buttons: tuple[Button, ...] = (),
    attachment: Attachment | None = None,
) -> bool:
    """Queue ``text`` to ``user_ids``; True when at least one of them has an account.

    Args:
        ctx: The handler's or job's context (the message commits with its transaction).
        user_ids: The people it is for.
        text: The message.
        key: Outbox key prefix; each account gets ``key:user:platform``.
        kind: Outbox kind, for statistics.
        fallback: Who to tell when none of ``user_ids`` is reachable (the admins after them);
            None when the caller reports the gap itself.
        buttons: One row of buttons (pressing one sends its command).
        attachment: A file every account gets with the text (one file drawn once for all).
    """
    targets = await binding.private_targets(ctx.session, user_ids)
    reached = bool(targets)
    if not reached and fallback is not None:
        who = await names(ctx.session, user_ids)
        text += f"\n（⚠️ 本应发给 {who}，但无已绑定账号，请线下通知）"
        targets = await binding.private_targets(ctx.session, fallback)
        if not targets:
            admins = await users_with_role(ctx.session, Role.ADMIN)
            targets = await binding.private_targets(ctx.session, [u.id for u in admins])
    for user_id, platform, address in targets:
        await ctx.send(
            Target(platform, address),
            Reply(text, buttons=(buttons,) if buttons else (), attachment=attachment),
            key=f"{key}:{user_id}:{platform}",
            kind=kind,
        )
    return reached

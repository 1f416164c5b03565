"""Registering group chats with channel tags (防汛, 森林防火, 全体 …) by an admin in the group."""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.roles import Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from models.directory import groups

router = Router("groups", UNSCOPED)


@router.command(
    "group register",
    aliases=("群组 注册", "注册群"),
    roles=[Role.ADMIN],
    help="把本群登记到频道（可多个），用于推送和应急广播",
    group_only=True,
)
async def register_group(
    ctx: HandlerContext, *, channels: Annotated[list[str], Arg("频道")]
) -> str:
    """Register the current group with one or more channel tags."""
    tags = groups.check_channels(channels, ctx.config.channels)
    group, created = await groups.register(
        ctx.session,
        target=ctx.msg.chat_target,
        title=ctx.msg.chat_title,
        channels=tags,
        now=ctx.now,
        by_user=ctx.me.id,
    )
    ctx.audit_detail.update(group=group.id, channels=tags)
    verb = "已登记本群" if created else "已更新本群"
    return f"{verb}「{group.title}」，频道：{'、'.join(group.channels)}。"


@router.command(
    "group remove",
    aliases=("群组 移除", "移除群"),
    roles=[Role.ADMIN],
    help="从频道移除本群（不写频道则全部移除）",
    group_only=True,
)
async def remove_group(
    ctx: HandlerContext,
    *,
    channels: Annotated[list[str], Arg("频道")] = [],  # noqa: B006
) -> str:
    """Remove channel tags from the current group, or unregister it."""
    group = await groups.find(ctx.session, ctx.msg.chat_target)
    if group is None:
        raise UserError("本群尚未登记，无需移除。")
    tags = channels or group.channels
    await groups.untag(ctx.session, group, tags)
    ctx.audit_detail.update(group=group.id, removed=tags)
    left = [c for c in group.channels if c not in tags]
    return f"已移除频道：{'、'.join(tags)}。" + (
        f"仍在：{'、'.join(left)}。" if left else "本群已注销。"
    )


@router.command(
    "group list",
    aliases=("群组 列表", "群列表"),
    roles=[Role.ADMIN, Role.LEADER],
    help="列出已登记的群（可按频道筛选）",
)
async def list_groups(
    ctx: HandlerContext, *, channel: Annotated[str | None, Arg("频道")] = None
) -> str:
    """Registered groups, optionally of one channel."""
    if channel:
        groups.check_channels([channel], ctx.config.channels)
    found = await groups.list_groups(ctx.session, channel)
    if not found:
        return "还没有登记的群。管理员可在群里发送 /group register 频道 登记。"
    lines = [f"{g.title}（{g.target}）：{'、'.join(g.channels)}" for g in found]
    return f"已登记的群（{len(found)} 个）：\n" + "\n".join(lines)

"""Binding a chat account to a person with a one-time code, and asking who one is."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from sqlalchemy import func, select

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.roles import ANY_BOUND, labels
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from bot.store.audit import AuditLog
from models.directory import binding

router = Router("bind", UNSCOPED)


async def _recent_failures(ctx: HandlerContext) -> int:
    since = ctx.now - timedelta(minutes=ctx.config.bind.failure_window_minutes)
    actor = f"{ctx.msg.platform}:{ctx.msg.sender_id}"
    count = await ctx.session.scalar(
        select(func.count()).where(
            AuditLog.command == "bind",
            AuditLog.outcome == "rejected",
            AuditLog.actor == actor,
            AuditLog.ts >= since,
        )
    )
    return int(count or 0)


@router.command("bind", aliases=("绑定",), help="用管理员给的绑定码绑定本账号")
async def bind(ctx: HandlerContext, *, code: Annotated[str, Arg("绑定码")]) -> str:
    """Redeem a bind code for the caller's account (rate-limited per account)."""
    if ctx.user is not None:
        return f"本账号已绑定为 {ctx.user.display}，无需重复绑定。如需更换请联系管理员。"
    cfg = ctx.config.bind
    if await _recent_failures(ctx) >= cfg.max_failures:
        ctx.outcome = "throttled"
        return (
            f"绑定码错误次数过多，请 {cfg.failure_window_minutes} 分钟后再试，"
            "或联系管理员重新生成绑定码。"
        )
    user = await binding.redeem(ctx.session, code, ctx.msg.platform, ctx.msg.sender_id, ctx.now)
    ctx.audit_detail["bound_user"] = user.id
    return (
        f"绑定成功！您好，{user.display}。\n您的角色：{labels(user.roles)}。\n"
        "发送 /help 查看可用命令。"
    )


@router.command(
    "whoami",
    aliases=("我是谁", "我的信息"),
    roles=ANY_BOUND,
    help="查看本账号绑定的人员、单位和角色",
)
async def whoami(ctx: HandlerContext) -> str:
    """Show the caller's identity as the bot sees it."""
    me = ctx.me
    accounts = await binding.accounts_of(ctx.session, me.id)
    linked = "、".join(f"{a.platform}" for a in accounts)
    return f"姓名：{me.name}\n单位：{me.org}\n角色：{labels(me.roles)}\n已绑定平台：{linked}"

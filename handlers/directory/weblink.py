"""/web (网页登录): a one-time link to the web dashboard, sent only in a private chat; a revoked
person's web sessions end with the revocation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.clock import LocalTime
from bot.core.context import HandlerContext
from bot.core.messages import ChatKind
from bot.core.roles import ANY_BOUND
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from bot.web import credentials
from bot.web.signin import link_url
from models.directory.revoke import Revocation

router = Router("web", UNSCOPED)


@router.command(
    "web",
    aliases=("网页登录", "网页版"),
    roles=ANY_BOUND,
    help="获取网页版一次性登录链接（仅私聊）",
)
async def web_link(ctx: HandlerContext) -> str:
    """A fresh sign-in link for the caller; earlier unused links stop working."""
    if ctx.msg.chat_kind is not ChatKind.PRIVATE:
        ctx.outcome = "rejected"
        return (
            "为保护账号安全，网页登录链接只在私聊中发送（群里的人都能看到链接）。"
            "请私聊机器人发送 /web（网页登录）。"
        )
    cfg = ctx.config.web
    if not (cfg.enabled and ctx.config.http.enabled):
        ctx.outcome = "rejected"
        return "网页版尚未开通（配置 http.enabled 与 web.enabled），请联系管理员。"
    token = await credentials.issue_link(
        ctx.session, ctx.me.id, ctx.now, timedelta(minutes=cfg.link_minutes)
    )
    return (
        f"网页登录链接（{cfg.link_minutes} 分钟内有效，只能使用一次，请勿转发）：\n"
        f"{link_url(ctx.config, token)}\n"
        "打开后点「确认登录」。此前发给您的未用链接已作废。"
    )


async def settle_web(
    session: AsyncSession, config: Config, tz: LocalTime, rev: Revocation
) -> list[str]:
    """End the revoked person's web sessions (each request checks too; this clears the rows)."""
    ended = await credentials.close_sessions_of(session, rev.person.id)
    return [f"结束网页登录会话 {ended} 个"] if ended else []

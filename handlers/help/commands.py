"""Help and welcome: /help lists only what the caller may use; /start explains binding."""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.roles import labels
from bot.core.routing import Route, Router
from bot.core.scope import UNSCOPED

router = Router("help", UNSCOPED)


@router.command("help", aliases=("帮助",), help="查看您可以使用的命令")
async def show_help(
    ctx: HandlerContext, *, command: Annotated[str | None, Arg("命令", rest=True)] = None
) -> str:
    """List commands the caller may use, or explain one."""
    roles = ctx.user.roles if ctx.user else None
    allowed = [r for r in ctx.table.routes if r.allows(roles)]
    if command:
        family = _family(allowed, command.strip().lstrip("/"))
        if len(family) > 1:
            lines = [f"{r.usage} — {r.help}" for r in family]
            return "\n".join([f"「{command.strip()}」相关命令（{len(family)} 个）：", *lines])
        found = ctx.table.match(command if command.startswith("/") else f"/{command}")
        found = found or ctx.table.match(command)
        if found is None or found.route not in allowed:
            raise UserError(f"没有您可用的命令「{command}」。发送 /help 查看全部。")
        route = found.route
        aliases = "、".join(route.aliases) or "无"
        who = labels(route.roles) if route.roles else "所有人"
        return f"{route.help}\n用法：{route.usage}\n中文别名：{aliases}\n适用：{who}"
    lines = [f"{r.usage} — {r.help}" for r in allowed]
    if ctx.user is None:
        head = "您尚未绑定账号，目前可用："
        tail = "绑定后可使用更多功能：请向管理员索取绑定码，发送 /bind 绑定码。"
    else:
        head = f"{ctx.user.display}，您的角色：{labels(ctx.user.roles)}。可用命令："
        tail = "中文命令可不加斜杠，例如「帮助 绑定」。发送 /help 命令名 查看详细用法。"
    return "\n".join([head, *lines, tail])


def _family(allowed: list[Route], head: str) -> list[Route]:
    """Every command whose name or Chinese alias is ``head`` or starts with it as a word
    (``督办`` → 督办 立项, 督办 签收, …), so a head word shows all its sub-commands."""
    words = tuple(head.replace("_", " ").split())
    if not words:
        return []
    return [r for r in allowed if any(p[: len(words)] == words for p in r.phrases)]


@router.command("start", aliases=("开始",), help="欢迎与使用说明")
async def welcome(ctx: HandlerContext) -> str:
    """Greet; say how to bind when the account is not bound yet."""
    if ctx.user is None:
        return (
            "您好，我是县政府办公室值班助手 DutyBot。\n"
            "首次使用请绑定账号：向管理员索取绑定码，然后发送 /bind 绑定码。\n"
            "发送 /help 查看可用命令。"
        )
    return f"您好，{ctx.user.display}！发送 /help 查看您可用的命令。"

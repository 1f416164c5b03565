"""Admins see and retry messages the bot could not deliver."""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg, parse_int
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.roles import Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from bot.store import outbox, outbox_admin

router = Router("outbox", UNSCOPED)


@router.command(
    "outbox failed",
    aliases=("投递 失败", "投递失败"),
    roles=[Role.ADMIN],
    help="查看投递失败的消息",
)
async def failed(ctx: HandlerContext) -> str:
    """The most recent permanently failed deliveries."""
    rows = await outbox_admin.list_rows(ctx.session, outbox.OutboxStatus.FAILED, limit=20)
    if not rows:
        return "没有投递失败的消息。"
    lines = [
        f"#{r.id} → {r.target}（{r.kind}，{ctx.tz.fmt(r.next_attempt_at)}）：{r.last_error}"
        + outbox_admin.file_note(r.payload)
        for r in rows
    ]
    return (
        f"投递失败的消息（最近 {len(rows)} 条）：\n"
        + "\n".join(lines)
        + "\n核实后发送 /outbox retry 编号 重新投递。"
    )


@router.command(
    "outbox retry",
    aliases=("投递 重试", "重新投递"),
    roles=[Role.ADMIN],
    help="重新投递失败的消息",
)
async def retry(ctx: HandlerContext, *, ids: Annotated[list[str], Arg("编号")]) -> str:
    """Queue failed rows again with a fresh attempt budget."""
    try:
        numbers = [parse_int(i.lstrip("#")) for i in ids]
    except ValueError:
        raise UserError("编号应为数字，例如 /outbox retry 12 13") from None
    count = await outbox_admin.retry_failed(ctx.session, ctx.now, numbers)
    if count == 0:
        raise UserError("这些编号都不是投递失败的消息，发送 /outbox failed 查看。")
    ctx.audit_detail["retried"] = numbers
    return f"已重新排队 {count} 条消息。"

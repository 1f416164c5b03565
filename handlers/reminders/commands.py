"""Personal reminders: "/remind 30分钟 给水利局回电" comes back in the same chat when due."""

from __future__ import annotations

from typing import Annotated

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.args import Arg
from bot.core.clock import LocalTime
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.roles import ANY_BOUND
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from bot.core.when import split_when
from bot.store import due
from models.directory.revoke import Revocation

router = Router("remind", UNSCOPED)
MAX_PENDING = 50


def _prefix(user_id: int) -> str:
    return f"remind:{user_id}:"


@router.command(
    "remind",
    aliases=("提醒",),
    roles=ANY_BOUND,
    help="设置提醒，到时在本聊天提醒您，例如：提醒 30分钟 给水利局回电",
)
async def remind(ctx: HandlerContext, *, text: Annotated[str, Arg("时间 内容", rest=True)]) -> str:
    """Create a reminder due item for the caller in this chat."""
    try:
        when, body = split_when(text, ctx.now, ctx.tz)
    except ValueError as exc:
        raise UserError(f"{exc}。例如：/remind 30分钟 给水利局回电") from None
    if not body:
        raise UserError("请写上提醒内容，例如：/remind 14:30 参加防汛会商")
    mine = await _pending(ctx)
    if len(mine) >= MAX_PENDING:
        raise UserError(f"您已有 {MAX_PENDING} 条待提醒事项，请先取消一些（/reminders）。")
    await due.schedule(
        ctx.session,
        ctx.now,
        kind="reminder",
        due_at=when,
        payload={"target": str(ctx.msg.chat_target), "text": body, "user_id": ctx.me.id},
        key=f"{_prefix(ctx.me.id)}{ctx.msg.platform}:{ctx.msg.message_id}",
    )
    return f"好的，{ctx.tz.fmt(when)} 提醒您：{body}"


async def _pending(ctx: HandlerContext) -> list[due.DueItem]:
    query = (
        select(due.DueItem)
        .where(
            due.DueItem.key.startswith(_prefix(ctx.me.id), autoescape=True),
            due.DueItem.status == due.DueStatus.PENDING.value,
        )
        .order_by(due.DueItem.due_at)
    )
    return list(await ctx.session.scalars(query))


@router.command("reminders", aliases=("我的提醒",), roles=ANY_BOUND, help="查看我的待提醒事项")
async def list_reminders(ctx: HandlerContext) -> str:
    """The caller's pending reminders."""
    items = await _pending(ctx)
    if not items:
        return "您没有待提醒事项。设置方法：/remind 30分钟 内容"
    lines = [f"#{i.id} {ctx.tz.fmt(i.due_at)} {i.payload['text']}" for i in items]
    return "您的待提醒事项：\n" + "\n".join(lines) + "\n取消：/remind_cancel 编号"


@router.command("remind cancel", aliases=("取消提醒",), roles=ANY_BOUND, help="取消一条提醒")
async def cancel_reminder(ctx: HandlerContext, *, item_id: Annotated[int, Arg("编号")]) -> str:
    """Cancel one of the caller's own pending reminders."""
    item = next((i for i in await _pending(ctx) if i.id == item_id), None)
    if item is None:
        raise UserError(f"没有编号为 {item_id} 的待提醒事项，发送 /reminders 查看。")
    item.status = due.DueStatus.CANCELLED.value
    return f"已取消提醒 #{item_id}：{item.payload['text']}"


async def settle_reminders(
    session: AsyncSession, config: Config, tz: LocalTime, rev: Revocation
) -> list[str]:
    """A revoked person's reminders are cancelled: they would reach whoever holds the chat."""
    del config, tz  # a reminder is only the person's own
    result = await session.execute(
        update(due.DueItem)
        .where(
            due.DueItem.key.startswith(_prefix(rev.person.id), autoescape=True),
            due.DueItem.status == due.DueStatus.PENDING.value,
        )
        .values(status=due.DueStatus.CANCELLED.value)
        .execution_options(synchronize_session=False)
    )
    count = int(result.rowcount)  # type: ignore[attr-defined]
    return [f"取消其待提醒事项 {count} 条"] if count else []

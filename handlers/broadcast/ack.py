"""Acknowledging a broadcast: the 收到 button, or typing 收到 CODE (also /ack CODE).

In a group chat the answer goes to the person privately: a hundred 收到 in a duty group must
not bring a hundred bot replies (a group takes at most 20 a minute), and plain "收到" chatter
that matches nothing open gets no answer at all.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from sqlalchemy import or_, select

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import ChatKind
from bot.core.roles import ANY_BOUND
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from bot.store.codes import ALPHABET
from handlers import notify
from models.broadcast import records as bc
from models.broadcast.settings import BROADCAST
from models.broadcast.state import record_ack
from models.broadcast.summary import queue_summary

router = Router("broadcast_ack", UNSCOPED)
_CODE = re.compile(rf"[{ALPHABET}]{{{bc.CODE_LENGTH}}}")


async def _outstanding(ctx: HandlerContext) -> list[bc.Broadcast]:
    """Recent broadcasts addressed to the caller (or to this group) that they have not acked."""
    me, chat = ctx.me.id, str(ctx.msg.chat_target)
    rows = await ctx.session.execute(
        select(bc.BroadcastRecipient, bc.Broadcast)
        .join(bc.Broadcast, bc.Broadcast.id == bc.BroadcastRecipient.broadcast_id)
        .where(
            bc.Broadcast.status == bc.BroadcastStatus.ACTIVE.value,
            bc.Broadcast.sent_at >= ctx.now - timedelta(hours=BROADCAST.of(ctx.config).open_hours),
            bc.BroadcastRecipient.removed_at.is_(None),
            or_(
                bc.BroadcastRecipient.user_id == me,
                bc.BroadcastRecipient.kind == bc.RecipientKind.GROUP.value,
            ),
        )
    )
    mine = {b.id: b for r, b in rows if r.user_id == me or chat in r.targets}
    done = set(
        await ctx.session.scalars(
            select(bc.BroadcastAck.broadcast_id).where(
                bc.BroadcastAck.user_id == me, bc.BroadcastAck.broadcast_id.in_(list(mine))
            )
        )
    )
    return [b for i, b in sorted(mine.items()) if i not in done]


async def _find(ctx: HandlerContext, text: str) -> bc.Broadcast | None:
    token = text.split()[0].upper() if text.split() else ""
    if _CODE.fullmatch(token):
        found = await bc.by_code(ctx.session, token)
        if found is None or found.status in (
            bc.BroadcastStatus.DRAFT,
            bc.BroadcastStatus.AWAITING,
        ):
            raise UserError(f"没有确认码为 {token} 的已发广播，请核对后重试。")
        return found
    waiting = await _outstanding(ctx)
    if len(waiting) == 1:
        return waiting[0]
    if len(waiting) > 1:
        codes = "、".join(f"收到 {b.code}（{b.title}）" for b in waiting)
        raise UserError(f"您有 {len(waiting)} 条待确认的广播，请逐条回复：{codes}")
    if ctx.msg.chat_kind is ChatKind.GROUP:
        return None  # ordinary "收到" in a group: not for the bot
    raise UserError("您当前没有待确认的应急广播。如需确认，请回复：收到 确认码")


@router.command(
    "ack",
    aliases=("收到",),
    roles=ANY_BOUND,
    help="确认收到应急广播，例如：收到 K7MX",
)
async def ack(
    ctx: HandlerContext, *, text: Annotated[str, Arg("确认码", rest=True)] = ""
) -> str | None:
    """Record the caller's acknowledgement (once; a repeat changes nothing)."""
    found = await _find(ctx, text)
    if found is None:
        return None
    first, fresh = await record_ack(
        ctx.session,
        ctx.now,
        found,
        user_id=ctx.me.id,
        platform=ctx.msg.platform,
        chat=str(ctx.msg.chat_target),
    )
    ctx.audit_detail.update(broadcast=found.id, first=fresh)
    if not fresh:
        answer = f"您已于 {ctx.tz.fmt(first.acked_at)} 确认过 {found.title}，无需重复。"
    elif found.status == bc.BroadcastStatus.CANCELLED.value:
        answer = f"已记录您的确认。{found.title} 已撤回，无需处置。"
    else:
        await queue_summary(ctx.session, ctx.now, found, BROADCAST.of(ctx.config))
        answer = f"已确认收到 {found.title}（{ctx.tz.fmt(ctx.now)}）。谢谢！"
    return await notify.answer_privately(
        ctx, answer, key=f"bca:{found.id}:{ctx.me.id}", kind="broadcast_ack"
    )

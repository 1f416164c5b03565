"""Telling people privately from any feature's handler or job: the directory decides which
accounts (models/directory/notify.py); this adds, when the message went to the fallback people
instead, whom it was meant for, so they can pass it on by phone. Also: answering someone who
wrote in a group privately instead (acknowledgements, 回执)."""

from __future__ import annotations

from dataclasses import replace

from bot.core.context import HandlerContext, WorkContext
from bot.core.messages import ChatKind, Reply, Target
from bot.store import outbox
from models.directory import notify


def _redirected(reply: Reply, meant_for: tuple[str, ...]) -> Reply:
    """``reply`` as the fallback people see it: with the names it should have gone to."""
    who = "、".join(meant_for) or "无人"
    return replace(reply, text=f"{reply.text}\n（⚠️ 本应发给 {who}，但无已绑定账号，请线下通知）")


async def tell(
    ctx: WorkContext,
    user_ids: list[int],
    reply: Reply,
    *,
    key: str,
    kind: str,
    fallback: list[int] | None = None,
) -> bool:
    """Queue ``reply`` to ``user_ids``; True when at least one of them has an account.

    Args:
        ctx: The handler's or job's context (the message commits with its transaction).
        user_ids: The people it is for.
        reply: The message (buttons and a file go to every account).
        key: Outbox key prefix; each account gets ``key:user:platform``.
        kind: Outbox kind, for statistics.
        fallback: Who to tell when none of ``user_ids`` is reachable (the admins after them);
            None when the caller reports the gap itself.
    """
    found = await notify.reach(ctx.session, user_ids, fallback)
    if found.redirected_from is not None:
        reply = _redirected(reply, found.redirected_from)
    await notify.deliver(ctx, found, reply, key=key, kind=kind)
    return found.reached


async def answer_privately(ctx: HandlerContext, answer: str, *, key: str, kind: str) -> str | None:
    """``answer`` as the reply in a private chat; in a group, sent to the caller alone and None
    returned: a hundred answers in a duty group must not bring a hundred bot replies there.

    Args:
        ctx: The handler's context.
        answer: What to tell the caller.
        key: Outbox key (the message id is added, so each answer is its own message).
        kind: Outbox kind, for statistics.
    """
    if ctx.msg.chat_kind is not ChatKind.GROUP:
        return answer
    await ctx.send(
        Target(ctx.msg.platform, ctx.msg.sender_id),
        Reply(answer),
        key=f"{key}:{ctx.msg.message_id}",
        priority=outbox.Priority.INTERACTIVE,
        kind=kind,
    )
    return None

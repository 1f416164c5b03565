"""Conversations that need more than one message: a handler opens one with :func:`start`; the
dispatcher hands the person's next typed message (not a slash command or button) in that
chat to the step registered for its kind (``@router.dialog(kind)``) until the step finishes
it, the person sends 「取消」, or it expires."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.core.context import HandlerContext
from bot.core.messages import IncomingMessage
from bot.store import dialog

CANCEL_WORDS = frozenset({"取消", "cancel", "/cancel", "退出"})


@dataclass
class Conversation:
    """What a step sees: its saved state (change it in place) and whether the person cancelled."""

    kind: str
    state: dict[str, Any]
    cancelled: bool = False
    finished: bool = field(default=False)

    def finish(self) -> None:
        """Close the conversation after this step."""
        self.finished = True


def may_answer(msg: IncomingMessage) -> bool:
    """Typed text may answer an open conversation; slash commands and buttons escape it."""
    text = msg.text.strip().lower()
    return not msg.is_button and (not text.startswith("/") or text in CANCEL_WORDS)


DialogStep = Callable[[HandlerContext, Conversation, str], Awaitable[Any]]


async def start(ctx: HandlerContext, kind: str, state: dict[str, Any], minutes: int) -> None:
    """Open a conversation with the caller in this chat (replacing an earlier one)."""
    await dialog.open_(
        ctx.session,
        platform=ctx.msg.platform,
        chat_id=ctx.msg.chat_id,
        sender_id=ctx.msg.sender_id,
        kind=kind,
        state=state,
        now=ctx.now,
        expires_at=ctx.now + timedelta(minutes=minutes),
    )


async def find(ctx: HandlerContext) -> dialog.Dialog | None:
    """The caller's open conversation in this chat."""
    msg = ctx.msg
    return await dialog.find(ctx.session, msg.platform, msg.chat_id, msg.sender_id, ctx.now)


async def advance(ctx: HandlerContext, row: dialog.Dialog, step: DialogStep) -> Any:
    """Run one step on the caller's message; save the state or close the conversation."""
    text = ctx.msg.text.strip()
    # A deep copy: steps mutate the state in place, and the row must see a changed value.
    state = copy.deepcopy(row.state)
    conv = Conversation(row.kind, state, cancelled=text.lower() in CANCEL_WORDS)
    result = await step(ctx, conv, text)
    if conv.cancelled or conv.finished:
        await ctx.session.delete(row)
        if result is None and conv.cancelled:
            result = "已取消。"
    else:
        # Each answer gives the person the same time again for the next one.
        row.expires_at = ctx.now + (row.expires_at - row.updated_at)
        row.state, row.updated_at = conv.state, ctx.now
    await ctx.session.flush()
    return result

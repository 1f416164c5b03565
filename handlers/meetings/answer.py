"""Answering a 会议通知: the 参加 / 请假 buttons, or typing 参加 / 请假 原因 [代参人 姓名].

A button carries the invitee's own 回执码; pressing it is typing ``参加 CODE``, and a code that
names nobody, or someone else, is refused: a forwarded card cannot answer for its addressee.
Without a code the caller's one open invitation is meant. In a group chat the answer goes to
the person privately, and plain 参加 / 请假 chatter that matches nothing open gets no answer.
"""

from __future__ import annotations

import re
from typing import Annotated

from bot.core.args import Arg, first_word
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import ChatKind
from bot.core.roles import ANY_BOUND
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from bot.store.codes import ALPHABET
from handlers import notify
from handlers.meetings import cards
from handlers.meetings.notices import send_notice
from models.meetings import invites, plan
from models.meetings import records as meetings
from models.meetings.records import Invitation

router = Router("meetings_answer", UNSCOPED)
_CODE = re.compile(rf"[{ALPHABET}]{{{invites.CODE_LENGTH}}}")
_STAND_IN = re.compile(r"(?:代参人|代参|代会人)\s*[=＝:：]?\s*(\S+)")


async def _find(ctx: HandlerContext, text: str) -> tuple[Invitation | None, str]:
    """The invitation meant (by code, or the one open) and the rest of the text."""
    first, rest = first_word(text)
    if _CODE.fullmatch(first.upper()):
        row = await invites.by_code(ctx.session, first)
        if row is None:
            raise UserError(f"回执码 {first.upper()} 无效，请核对会议通知中的回执码。")
        if row.user_id != ctx.me.id:
            ctx.audit_detail.update(refused="not_addressee", invitation=row.id)
            raise UserError("这条会议通知不是发给您的，不能代他人回复。请用您自己收到的通知回复。")
        if row.withdrawn_at is not None:
            raise UserError("您已不在本次会议的参会名单中（代参已取消），无需回复。")
        return row, rest.strip()
    mine = await invites.open_for(ctx.session, ctx.me.id, ctx.now)
    if len(mine) == 1:
        return mine[0], text.strip()
    if len(mine) > 1:
        codes = "；".join(f"{r.code}（会议 #{r.meeting_id}）" for r in mine)
        raise UserError(
            f"您有 {len(mine)} 个待回复的会议，请写明回执码，例如：参加 {mine[0].code}。" + codes
        )
    if ctx.msg.chat_kind is ChatKind.GROUP:
        return None, ""  # ordinary chatter in a group: not for the bot
    raise UserError("您当前没有待回复的会议通知。")


async def _answer(ctx: HandlerContext, text: str, *, attend: bool) -> str | None:
    row, rest = await _find(ctx, text)
    if row is None:
        return None
    meeting = await meetings.get(ctx.session, row.meeting_id)
    stand_in = _STAND_IN.search(rest)
    reason = (rest[: stand_in.start()] + rest[stand_in.end() :]).strip() if stand_in else rest
    if not attend and not reason and not stand_in:
        answer = f"请回复请假原因：请假 {row.code} 原因 [代参人 姓名]（{meeting.label}）"
        return await _private(ctx, answer, row)
    done = await invites.answer(
        ctx.session,
        ctx.now,
        meeting,
        row,
        attend=attend,
        reason="" if attend else reason,
        substitute=stand_in.group(1) if stand_in else "",
    )
    if done.substitute is not None:
        await send_notice(ctx, meeting, done.substitute)
    if done.withdrawn is not None:
        await notify.tell(
            ctx,
            [done.withdrawn.user_id],
            cards.withdrawn(meeting, row.user.name),
            key=f"mtg:{meeting.id}:withdrawn:{done.withdrawn.id}",
            kind="meeting_change",
        )
    await plan.queue_summary(ctx.session, ctx.now, meeting, ctx.config)
    ctx.audit_detail.update(meeting=meeting.id, answer=row.answer)
    if attend:
        answer = f"✅ 已回复参加 {meeting.label}（{cards.when(meeting, ctx.tz)}）。"
    else:
        answer = f"✅ 已回复请假 {meeting.label}，原因：{row.reason}。"
        if done.substitute is not None:
            answer += f"已通知代参人 {done.substitute.user.name}。"
    return await _private(ctx, answer, row)


async def _private(ctx: HandlerContext, answer: str, row: Invitation) -> str | None:
    """In a private chat the answer is the reply; in a group it goes to the person alone."""
    return await notify.answer_privately(ctx, answer, key=f"mtga:{row.id}", kind="meeting_answer")


@router.command(
    "attend",
    aliases=("参加", "会议 参加"),
    roles=ANY_BOUND,
    help="回复参加会议：参加（或点通知中的「参加」按钮）",
)
async def attend(
    ctx: HandlerContext, *, text: Annotated[str, Arg("回执码", rest=True)] = ""
) -> str | None:
    """Answer 参加 to the meeting meant."""
    return await _answer(ctx, text, attend=True)


@router.command(
    "leave",
    aliases=("请假", "会议 请假"),
    roles=ANY_BOUND,
    help="回复请假：请假 原因 [代参人 姓名]（代参人会收到通知并需回复）",
)
async def leave(
    ctx: HandlerContext,
    *,
    text: Annotated[str, Arg("回执码 原因 代参人", rest=True)] = "",
) -> str | None:
    """Answer 请假 with a reason, perhaps naming a 代参人."""
    return await _answer(ctx, text, attend=False)

"""Acknowledging a broadcast from the phone: an SMS reply or a key pressed on the call.

Rules (docs/platforms.md §SMS replies and call key presses):

- An SMS reply counts when it says so: ``1``, ``ok``, or it begins with 收到 / 已收到 / 确认 /
  明白 / 好的 / 知道了 / 到岗 (punctuation and spaces ignored). It acknowledges the sender's
  open broadcasts that escalated to them by phone — the one whose 确认码 the reply names, or
  all of them. Any other text, or a number nobody in the directory has, is ignored (audited by
  bot/core/phone_inbound.py, never shown in a chat).
- A key press acknowledges when the digits include ``1`` (the call's template asks for it): the
  call id names the outbox row, and its key the broadcast and the person. A 带班领导's call
  pressed is audited only (they are told, not asked to acknowledge).

Both go through :func:`models.broadcast.state.record_ack`, so nothing more is sent by phone
after it, and a repeat changes nothing.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.phone_inbound import Handled, KeyPress, PhoneEvent, PhoneReply
from bot.store.outbox import OutboxMessage
from models.broadcast import records as bc
from models.broadcast.ladder import PhoneContact
from models.broadcast.settings import BROADCAST
from models.broadcast.state import record_ack
from models.broadcast.summary import queue_summary
from models.directory.users import User

ACK_WORDS = ("收到", "已收到", "确认", "明白", "好的", "知道了", "到岗")
ACK_EXACT = ("1", "ok")
ACK_KEY = "1"
_NOISE = re.compile(r"[\W_]+")
_ROW_KEY = re.compile(r"bcx:(\d+):([uL])(\d+):\d+")


def says_ack(text: str) -> bool:
    """Whether a reply's text acknowledges."""
    plain = _NOISE.sub("", text).lower()
    return plain in ACK_EXACT or plain.startswith(ACK_WORDS)


async def acknowledge(
    session: AsyncSession, now: datetime, config: Config, event: PhoneEvent
) -> Handled:
    """The listener bot/app.py hands the core: acknowledge, or say why not."""
    if isinstance(event, KeyPress):
        return await _pressed(session, now, config, event)
    return await _replied(session, now, config, event)


async def _replied(
    session: AsyncSession, now: datetime, config: Config, event: PhoneReply
) -> Handled:
    people = list(
        await session.scalars(
            select(User).where(User.phone == event.phone, User.active).order_by(User.id)
        )
    )
    if not people:
        return Handled("unknown_number")
    if not says_ack(event.text):
        return Handled("unrelated", {"users": [p.id for p in people]}, people[0].id)
    since = now - timedelta(hours=BROADCAST.of(config).open_hours)
    done: list[int] = []
    for person in people:
        for broadcast in await _escalated(session, person.id, since, event.text):
            if await _ack(session, now, config, broadcast, person.id, event.platform):
                done.append(broadcast.id)
    outcome = "acknowledged" if done else "nothing_open"
    return Handled(outcome, {"broadcasts": done}, people[0].id)


async def _escalated(
    session: AsyncSession, user_id: int, since: datetime, text: str
) -> list[bc.Broadcast]:
    """Active broadcasts this person was texted or called about, not yet acknowledged by them;
    only the one whose code ``text`` names, when it names one."""
    found = list(
        await session.scalars(
            select(bc.Broadcast)
            .join(PhoneContact, PhoneContact.broadcast_id == bc.Broadcast.id)
            .where(
                PhoneContact.user_id == user_id,
                PhoneContact.outbox_key.like(f"bcx:%:u{user_id}:%"),
                PhoneContact.created_at >= since,
                bc.Broadcast.status == bc.BroadcastStatus.ACTIVE.value,
            )
            .distinct()
            .order_by(bc.Broadcast.id)
        )
    )
    named = [b for b in found if b.code in text.upper()]
    return named or found


async def _ack(
    session: AsyncSession,
    now: datetime,
    config: Config,
    broadcast: bc.Broadcast,
    user_id: int,
    platform: str,
) -> bool:
    """Record the acknowledgement; True when it is new."""
    _, fresh = await record_ack(
        session, now, broadcast, user_id=user_id, platform=platform, chat=f"{platform}:u{user_id}"
    )
    if fresh:
        await queue_summary(session, now, broadcast, BROADCAST.of(config))
    return fresh


async def _pressed(
    session: AsyncSession, now: datetime, config: Config, event: KeyPress
) -> Handled:
    # From the ladder's own (small) table to the outbox by its unique key: the outbox has no
    # index on the provider's id, and a call is only answered while its broadcast is open.
    since = now - timedelta(hours=BROADCAST.of(config).open_hours)
    key = await session.scalar(
        select(PhoneContact.outbox_key)
        .join(OutboxMessage, OutboxMessage.idempotency_key == PhoneContact.outbox_key)
        .where(
            PhoneContact.channel == event.platform,
            PhoneContact.created_at >= since,
            OutboxMessage.external_id == event.call_id,
        )
    )
    parsed = _ROW_KEY.fullmatch(key or "")
    if parsed is None:
        return Handled("unknown_call")
    broadcast_id, who, user_id = int(parsed[1]), parsed[2], int(parsed[3])
    detail: dict[str, object] = {"broadcast": broadcast_id}
    if ACK_KEY not in event.keys:
        return Handled("other_key", detail, user_id)
    if who == "L":
        return Handled("leader_pressed", detail, user_id)
    broadcast = await session.get(bc.Broadcast, broadcast_id)
    if broadcast is None or broadcast.status != bc.BroadcastStatus.ACTIVE.value:
        return Handled("nothing_open", detail, user_id)
    fresh = await _ack(session, now, config, broadcast, user_id, event.platform)
    return Handled("acknowledged" if fresh else "already", detail, user_id)

"""Revoking a person, for duty: their undecided swap requests are void (the other side is
told), and the slots they still hold are named so the roster can be fixed."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.clock import LocalTime
from bot.core.messages import Reply
from bot.store import outbox
from models.directory.revoke import Revocation
from models.duty import notify as duty_notify
from models.duty.records import DutyOfficer, DutySlot
from models.duty.swap import SwapStatus, open_with

MAX_SLOTS = 10


async def settle_duty(
    session: AsyncSession, config: Config, tz: LocalTime, rev: Revocation
) -> list[str]:
    """Void the person's open swaps and list the coming slots that still name them."""
    del config  # the duty rules play no part: nothing is re-planned here
    lines = []
    for swap in await open_with(session, rev.person.id):
        swap.status, swap.decided_at = SwapStatus.VOID.value, rev.now
        other = swap.to_user_id if swap.from_user_id == rev.person.id else swap.from_user_id
        note = Reply(
            f"换班申请 #{swap.id}（{swap.slot.describe(tz)}）已作废："
            f"{rev.person.name}已被停用。如仍需换班，请重新申请。"
        )
        await duty_notify.tell(
            session,
            rev.now,
            [other],
            note,
            key=f"duty:swap:{swap.id}:void",
            priority=outbox.Priority.INTERACTIVE,
        )
        lines.append(f"换班申请 #{swap.id} 已作废，已告知对方")
    held = await _coming_slots(session, rev)
    if held:
        shown = "；".join(slot.describe(tz) for slot in held[:MAX_SLOTS])
        more = f" 等 {len(held)} 个" if len(held) > MAX_SLOTS else ""
        lines.append(
            f"⚠ 值班表中仍有其班次{more}：{shown}。"
            "请调整（dutybot roster import / generate，或由同事 /swap 接替）"
        )
    return lines


async def _coming_slots(session: AsyncSession, rev: Revocation) -> list[DutySlot]:
    officer = select(DutyOfficer.slot_id).where(DutyOfficer.user_id == rev.person.id)
    query = (
        select(DutySlot)
        .where(
            DutySlot.end_at > rev.now,
            or_(
                DutySlot.id.in_(officer),
                DutySlot.leader_id == rev.person.id,
                DutySlot.backup_id == rev.person.id,
            ),
        )
        .order_by(DutySlot.start_at)
    )
    return list(await session.scalars(query))

"""Revoking a person, for meetings: their invitations to meetings that have not started are taken
off the 回执 (no more notices or reminders; the organiser's summary no longer counts them)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.clock import LocalTime
from models.directory.revoke import Revocation
from models.meetings import plan
from models.meetings.records import Invitation, Meeting, MeetingStatus


async def settle_meetings(
    session: AsyncSession, config: Config, tz: LocalTime, rev: Revocation
) -> list[str]:
    """Withdraw ``rev.person``'s open invitations; one line per meeting."""
    rows = await session.execute(
        select(Invitation, Meeting)
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .where(
            Invitation.user_id == rev.person.id,
            Invitation.withdrawn_at.is_(None),
            Meeting.status != MeetingStatus.CANCELLED.value,
            or_(Meeting.starts_at.is_(None), Meeting.starts_at > rev.now),
        )
    )
    lines = []
    for invitation, meeting in rows:
        invitation.withdrawn_at = rev.now
        if meeting.notified_at is not None:
            await plan.queue_summary(session, rev.now, meeting, config)
        lines.append(
            f"{meeting.label}：{rev.person.name} 已移出参会名单"
            f"（如需他人参会：/meeting_change {meeting.id} 参会=姓名）"
        )
    return lines

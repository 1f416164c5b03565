"""Who a meeting invites and how they answer: people by name, units through the people the
config names (``meetings.unit_roles``), 代参人 standing in for someone on 请假."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import secrecy
from bot.core.errors import UserError
from bot.core.roles import Role
from bot.store.codes import fresh_code
from models.directory.units import unit_people
from models.directory.users import OrgUnit, User, find_user
from models.meetings.records import Answer, Invitation, Meeting, MeetingStatus

# Six characters (a broadcast's are four): a guessed code names nobody's invitation.
CODE_LENGTH = 6


@dataclass(frozen=True, slots=True)
class Invitee:
    """A person to invite and the unit they attend for ('' when named in person)."""

    user: User
    via: str = ""


async def resolve(
    session: AsyncSession, names: list[str], roles: tuple[str, ...]
) -> list[Invitee]:
    """People for ``names``: a unit name means its people of the first role in ``roles`` that
    anyone there holds; anything else is a person (姓名, 姓名@单位 or 编号).

    Raises:
        UserError: an unknown name, or a unit with none of those roles, naming it.
    """
    found: dict[int, Invitee] = {}
    for name in names:
        org = await session.scalar(select(OrgUnit).where(OrgUnit.name == name))
        if org is None:
            user = await find_user(session, name)
            found.setdefault(user.id, Invitee(user))
            continue
        people: list[User] = []
        for role in roles:
            people = await unit_people(session, org.id, Role(role))
            if people:
                break
        if not people:
            wanted = "或".join(Role(r).label for r in roles)
            raise UserError(f"{org.name} 没有在册的{wanted}，请改写参会人姓名。")
        for user in people:
            found.setdefault(user.id, Invitee(user, org.name))
    return list(found.values())


async def invite(
    session: AsyncSession,
    meeting: Meeting,
    people: list[Invitee],
    *,
    owing: Collection[int] = (),
    substitute_for: int | None = None,
) -> list[Invitation]:
    """Add an invitation for each of ``people`` not yet invited; returns the new ones."""
    have = {i.user_id for i in await _all(session, meeting.id)}
    added = []
    for one in people:
        if one.user.id in have:
            continue
        row = Invitation(
            meeting_id=meeting.id,
            user=one.user,
            user_id=one.user.id,
            code=await fresh_code(session, Invitation.code, CODE_LENGTH),
            via=one.via,
            owes_materials=one.user.id in owing,
            substitute_for=substitute_for,
        )
        session.add(row)
        added.append(row)
        have.add(one.user.id)
    await session.flush()
    return added


async def _all(session: AsyncSession, meeting_id: int) -> list[Invitation]:
    return list(
        await session.scalars(select(Invitation).where(Invitation.meeting_id == meeting_id))
    )


async def by_code(session: AsyncSession, code: str) -> Invitation | None:
    """The invitation whose 回执码 is ``code`` (any case)."""
    return await session.scalar(select(Invitation).where(Invitation.code == code.upper()))


async def open_for(session: AsyncSession, user_id: int, now: datetime) -> list[Invitation]:
    """The caller's invitations to notified meetings that have not started, oldest first."""
    query = (
        select(Invitation)
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .where(
            Invitation.user_id == user_id,
            Invitation.withdrawn_at.is_(None),
            Invitation.notified_at.is_not(None),
            Meeting.status == MeetingStatus.NOTIFIED.value,
            Meeting.starts_at > now,
        )
        .order_by(Invitation.id)
    )
    return list(await session.scalars(query))


@dataclass(frozen=True, slots=True)
class Answered:
    """What an answer changed: the 代参人 newly invited, and one no longer needed."""

    substitute: Invitation | None = None
    withdrawn: Invitation | None = None


async def answer(
    session: AsyncSession,
    now: datetime,
    meeting: Meeting,
    row: Invitation,
    *,
    attend: bool,
    reason: str = "",
    substitute: str = "",
) -> Answered:
    """Record 参加, or 请假 with its reason and perhaps a 代参人; a later answer replaces it.

    Raises:
        UserError: the meeting cancelled or begun, 请假 without a reason, a marked reason, a
            代参人 who is the person, is already invited, or is named by a 代参人.
    """
    if meeting.state is MeetingStatus.CANCELLED:
        raise UserError(f"{meeting.label} 已取消，无需回复。")
    if meeting.starts_at is not None and meeting.starts_at <= now:
        raise UserError(f"{meeting.label} 已开始，回执已截止。如有变化请直接联系会务人员。")
    if not attend and not reason.strip():
        raise UserError("请假请写明原因，例如：请假 外出调研 代参人 王刚")
    found = secrecy.find(reason)
    if found is not None:
        raise UserError(secrecy.refusal(found))
    stand_in: User | None = None
    if substitute:
        if attend:
            raise UserError("参加无需代参人；请假时可写：请假 原因 代参人 姓名")
        if row.substitute_for is not None:
            raise UserError("您是代参人，不能再指定他人代参；请假请写明原因。")
        stand_in = await find_user(session, substitute)
        if stand_in.id == row.user_id:
            raise UserError("代参人不能是您本人。")
    rows = await _all(session, meeting.id)
    previous = next(
        (r for r in rows if r.substitute_for == row.id and r.withdrawn_at is None), None
    )
    if stand_in is not None and previous is not None and previous.user_id == stand_in.id:
        stand_in, previous = None, None  # the same 代参人 again: nothing to change
    elif stand_in is not None and any(r.user_id == stand_in.id for r in rows):
        raise UserError(f"{stand_in.name} 已在本次会议的参会名单中，请另选代参人。")
    row.answer = (Answer.ATTEND if attend else Answer.LEAVE).value
    row.reason = "" if attend else reason.strip()[:200]
    row.answered_at = now
    withdrawn = None
    if previous is not None and (attend or stand_in is not None):
        previous.withdrawn_at = now
        withdrawn = previous
    added = None
    if stand_in is not None:
        [added] = await invite(
            session,
            meeting,
            [Invitee(stand_in, f"代{row.user.name}")],
            owing=[stand_in.id] if row.owes_materials else [],
            substitute_for=row.id,
        )
    return Answered(added, withdrawn)

"""Where a meeting's 回执 stand: who comes, who is on leave (and who stands in), who is silent."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from models.meetings.records import Answer, Invitation, invitations


@dataclass(frozen=True, slots=True)
class Tally:
    """The counted invitations by answer; ``stand_ins`` maps an invitation to its 代参人."""

    attend: list[Invitation] = field(default_factory=list)
    leave: list[Invitation] = field(default_factory=list)
    waiting: list[Invitation] = field(default_factory=list)
    stand_ins: dict[int, Invitation] = field(default_factory=dict)

    @property
    def everyone(self) -> list[Invitation]:
        """Every counted invitation."""
        return [*self.attend, *self.leave, *self.waiting]


def count(rows: list[Invitation]) -> Tally:
    """Sort ``rows`` by answer, leaving out withdrawn 代参人 and invitations never sent."""
    tally = Tally()
    for row in rows:
        if not row.counted or row.notified_at is None:
            continue
        if row.substitute_for is not None:
            tally.stand_ins[row.substitute_for] = row
        if row.answer == Answer.ATTEND.value:
            tally.attend.append(row)
        elif row.answer == Answer.LEAVE.value:
            tally.leave.append(row)
        else:
            tally.waiting.append(row)
    return tally


async def tally(session: AsyncSession, meeting_id: int) -> Tally:
    """The meeting's 回执 now."""
    return count(await invitations(session, meeting_id))

"""办会 jobs: reminders (non-responders, materials owed, the pre-start reminder to everyone who
will come) and the organiser's live 回执, edited only when its text changes.

Reminder rows are planned by models/meetings/plan.py from the rule table and re-planned on every
变更; a cancelled meeting's rows are cancelled with it (and one already claimed does nothing). The
outbox key carries the meeting's revision, so a step that a 变更 moves is sent again.
"""

from __future__ import annotations

from bot.core.jobs import JobContext, JobRegistry
from bot.core.messages import Reply, Target
from bot.store import live, outbox
from bot.store.due import ClaimedItem
from handlers import notify
from handlers.meetings import cards
from models.meetings import plan
from models.meetings.records import Answer, Invitation, Meeting, MeetingStatus, invitations
from models.meetings.tally import count

jobs = JobRegistry("meetings")


def _who(step: str, rows: list[Invitation]) -> list[Invitation]:
    """Who a reminder step is for."""
    if step.startswith("chase"):
        return [r for r in rows if r.answer == Answer.NONE.value]
    if step == "materials":
        return [r for r in rows if r.owes_materials and r.materials_at is None]
    return [r for r in rows if r.answer == Answer.ATTEND.value]  # prestart


def _words(step: str, meeting: Meeting, row: Invitation, ctx: JobContext) -> Reply:
    if step.startswith("chase"):
        return cards.chase(meeting, row, ctx.tz, int(step.removeprefix("chase")))
    if step == "materials":
        return cards.materials_due(meeting, ctx.tz)
    return cards.prestart(meeting, ctx.tz)


@jobs.due(plan.REMIND)
async def remind(ctx: JobContext, item: ClaimedItem) -> None:
    """One reminder step to the people it is for (none to those who answered)."""
    meeting = await ctx.session.get(Meeting, item.payload["meeting_id"])
    if meeting is None or meeting.state is not MeetingStatus.NOTIFIED:
        return
    step = str(item.payload["step"])
    rows = count(await _rows(ctx, meeting)).everyone
    for row in _who(step, rows):
        await notify.tell(
            ctx,
            [row.user_id],
            _words(step, meeting, row, ctx),
            key=f"mtg:{meeting.id}:{meeting.revision}:{step}:{row.id}",
            kind="meeting_reminder",
        )


async def _rows(ctx: JobContext, meeting: Meeting) -> list[Invitation]:
    return await invitations(ctx.session, meeting.id)


@jobs.due(plan.SUMMARY)
async def summary(ctx: JobContext, item: ClaimedItem) -> None:
    """Edit the organiser's live 回执 to what stands now; nothing when nothing changed (a
    restart, or an answer repeated, must not send it again)."""
    meeting = await ctx.session.get(Meeting, item.payload["meeting_id"])
    if meeting is None or not meeting.summary_target:
        return
    reply = cards.summary(meeting, count(await _rows(ctx, meeting)), ctx.tz, ctx.now)
    key = plan.edit_key(meeting.id)
    if live.same_text(reply.text, await live.last_text(ctx.session, key, "meeting_summary")):
        return
    meeting.summary_seq += 1
    await ctx.send(
        Target.parse(meeting.summary_target),
        reply,
        key=f"mtgs:{meeting.id}:{meeting.summary_seq}",
        priority=outbox.Priority.INTERACTIVE,
        kind="meeting_summary",
    )

"""When a meeting's reminders fall due, from the rule table: non-responders chased
``meeting.rsvp_chase`` apart until ``meeting.rsvp_close`` before the start, those who owe
materials ``meeting.materials_soon`` before the 材料报送截止, and everyone who will come
``meeting.pre_start`` before the start. The organiser's live 回执 is queued here too."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.config.rules import TimeRule
from bot.store import live
from models.deadlines.calendar import WorkCalendar
from models.deadlines.clocks import Moments, sync
from models.deadlines.compute import before
from models.meetings.records import Meeting, MeetingStatus
from models.meetings.settings import MEETINGS

REMIND = "meetings.remind"
SUMMARY = "meetings.summary"


def prefix(meeting_id: int) -> str:
    """Key prefix of a meeting's reminder rows (``mtg:7:r:`` never matches ``mtg:70:r:``)."""
    return f"mtg:{meeting_id}:r:"


def edit_key(meeting_id: int) -> str:
    """Every 回执 summary of one meeting edits the first one."""
    return f"mtg:{meeting_id}:summary"


def ahead(moment: datetime, rule: TimeRule, cal: WorkCalendar, tz: ZoneInfo) -> datetime:
    """``rule`` before ``moment``: exact for minutes and hours, the same clock time on the day
    :func:`models.deadlines.compute.before` gives for day units."""
    if rule.unit in ("分钟", "小时"):
        step = (
            timedelta(minutes=rule.amount) if rule.unit == "分钟" else timedelta(hours=rule.amount)
        )
        return moment - step
    local = moment.astimezone(tz)
    day = before(local.date(), rule, cal)
    return datetime.combine(day, local.timetz()).astimezone(moment.tzinfo)


def steps(meeting: Meeting, config: Config, tz: ZoneInfo) -> dict[str, datetime]:
    """Step name → moment for a notified meeting; nothing for any other."""
    if meeting.state is not MeetingStatus.NOTIFIED or meeting.starts_at is None:
        return {}
    if meeting.notified_at is None:
        return {}
    rules, moments = config.rules, Moments.of(config, tz)
    cal = moments.cal
    close = ahead(meeting.starts_at, rules["meeting.rsvp_close"], cal, tz)
    wanted: dict[str, datetime] = {}
    at = meeting.notified_at
    for round_ in range(1, MEETINGS.of(config).max_chases + 1):
        at = moments.after(at, rules["meeting.rsvp_chase"])
        if at >= close:
            break
        wanted[f"chase{round_}"] = at
    if meeting.materials_due is not None:
        soon = ahead(meeting.materials_due, rules["meeting.materials_soon"], cal, tz)
        if soon > meeting.notified_at:
            wanted["materials"] = soon  # due sooner than that: the notice itself says so
    wanted["prestart"] = ahead(meeting.starts_at, rules["meeting.pre_start"], cal, tz)
    return wanted


async def replan(
    session: AsyncSession, now: datetime, meeting: Meeting, config: Config, tz: ZoneInfo
) -> dict[str, datetime]:
    """Make the meeting's pending reminders exactly what it needs now (none once cancelled;
    the live summary's row is keyed apart and stays).

    A reminder whose moment has already passed is dropped rather than sent late: a chase after
    a change of time would otherwise repeat what the change notice just said.
    """
    wanted = {k: v for k, v in steps(meeting, config, tz).items() if v > now}
    return await sync(
        session,
        now,
        prefix=prefix(meeting.id),
        kind=REMIND,
        wanted=wanted,
        payload={"meeting_id": meeting.id},
    )


async def queue_summary(
    session: AsyncSession, now: datetime, meeting: Meeting, config: Config
) -> None:
    """Make sure the organiser's live 回执 is brought up to date shortly."""
    await live.due_once(
        session,
        now,
        kind=SUMMARY,
        key=edit_key(meeting.id),
        delay=timedelta(seconds=MEETINGS.of(config).summary_delay_seconds),
        payload={"meeting_id": meeting.id},
    )

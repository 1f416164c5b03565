"""A ticket's deadline from the rule table, and its push rows (签收, 临期, 到期, 超期)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.config.rules import TimeRule
from bot.core.clock import LocalTime
from models.deadlines import clocks
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import Deadline, compute
from models.deadlines.settings import CALENDAR
from models.tickets.records import OPEN, Status, Ticket
from models.tickets.settings import TICKETS

KIND = "ticket.push"


def rule_for(config: Config, category: str, urgency: str) -> TimeRule:
    """The handling rule: 紧急 first, then the category's own rule, else the default."""
    conf = TICKETS.of(config)
    if urgency == "紧急" and conf.urgent_rule:
        return config.rules[conf.urgent_rule]
    return config.rules[conf.category_rules.get(category, conf.default_rule)]


def deadline_of(
    config: Config, tz: ZoneInfo, start: datetime, category: str, urgency: str
) -> tuple[TimeRule, Deadline]:
    """The rule a ticket received at ``start`` falls under, and its computed deadline."""
    rule = rule_for(config, category, urgency)
    return rule, compute(start, rule, WorkCalendar(CALENDAR.of(config)), tz)


def extend(config: Config, tz: ZoneInfo, ticket: Ticket, days: int) -> datetime:
    """The deadline ``days`` after the current one; the default rule (hotline.handle) sets how
    long an extension may be, whatever the category's own limit."""
    rule = config.rules[TICKETS.of(config).default_rule]
    last = ticket.deadline - timedelta(seconds=1)  # 24:00 belongs to the last day
    cal = WorkCalendar(CALENDAR.of(config))
    return compute(last, rule, cal, tz, extension=days, amount=0).due_at


def due_text(local: LocalTime, deadline: datetime) -> str:
    """``2026-12-17 24:00`` for a day deadline (not 12-18 00:00), else the local time."""
    when = local.local(deadline)
    if when.hour == when.minute == 0:
        return f"{(when.date() - timedelta(days=1)).isoformat()} 24:00"
    return local.fmt(deadline)


def wanted(config: Config, tz: ZoneInfo, ticket: Ticket) -> dict[str, datetime]:
    """The pushes a ticket needs now: none once it left the unit's hands."""
    if ticket.status not in OPEN or ticket.lead_org_id is None:
        return {}
    moments = clocks.Moments.of(config, tz)
    steps: dict[str, datetime] = {}
    if ticket.status == Status.WAITING:
        start = ticket.dispatched_at or ticket.received_at
        steps["sign"] = moments.after(start, config.rules["hotline.sign"])
    deadline = ticket.deadline
    local_day = deadline.astimezone(tz).date()
    # A deadline at 24:00 is "on" the day before midnight; hour rules push at the exact time.
    if deadline.astimezone(tz).time() == datetime.min.time():
        local_day = local_day.fromordinal(local_day.toordinal() - 1)
        steps["soon"] = moments.soon(local_day, config.rules["hotline.due_soon"])
        steps["due"] = moments.on(local_day)
        steps["over"] = moments.over(local_day)
    else:
        steps["over"] = deadline  # hour limits (紧急): the moment it runs out
    return steps


async def replan(
    session: AsyncSession, now: datetime, ticket: Ticket, config: Config, tz: ZoneInfo
) -> dict[str, datetime]:
    """Bring the ticket's push rows in line with its state; returns the steps scheduled."""
    await session.flush()
    return await clocks.sync(
        session,
        now,
        prefix=f"ticket:{ticket.id}:",
        kind=KIND,
        wanted=wanted(config, tz, ticket),
        payload={"ticket": ticket.id},
    )


def soon_from(config: Config, tz: ZoneInfo, now: datetime) -> datetime:
    """Deadlines up to this moment are 临期 now (rule hotline.due_soon ahead of ``now``)."""
    rule = config.rules["hotline.due_soon"]
    return compute(now, rule, WorkCalendar(CALENDAR.of(config)), tz).due_at

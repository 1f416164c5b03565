"""When each 督办 push is due: 签收, 反馈, 黄牌/橙牌/红牌 and the ladder 催办 → 通报 → 约谈建议.

Every push is a due-item row keyed ``task:<id>:<step>``. :func:`replan` derives the wanted rows
from the item's state and dates, moves or adds them, and cancels the rest; a step that already
fired for the same moment is not fired again, so replanning after any change is always safe.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config, TimeRule
from models import due
from models.calendar import WorkCalendar
from models.deadlines import add_months, compute, shift_workdays
from models.supervision import CADENCES, OPEN, WORKING, Status, SupervisionItem

KIND = "supervision"
# Steps after the due date, with the rule giving their distance from it.
LADDER = {
    "chase": "supervision.chase",
    "report": "supervision.report",
    "interview": "supervision.interview",
}
# What each step sets on the item: (card, escalation level).
MARKS = {
    "yellow": ("黄牌", "提醒"),
    "orange": ("橙牌", "提醒"),
    "red": ("红牌", "提醒"),
    "chase": ("红牌", "催办"),
    "report": ("红牌", "通报"),
    "interview": ("红牌", "约谈建议"),
}


def key_prefix(item_id: int) -> str:
    """``task:7:`` — every push of one item."""
    return f"task:{item_id}:"


def at_hour(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """``day`` at ``hour``:00 local, as aware UTC."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=tz).astimezone(UTC)


def before(day: date, rule: TimeRule, cal: WorkCalendar) -> date:
    """The day ``rule`` ahead of ``day`` (临期 starts there)."""
    if rule.unit == "工作日":
        return shift_workdays(cal, day, -rule.amount)[0]
    if rule.unit == "月":
        return add_months(day, -rule.amount)
    days = rule.amount if rule.unit == "自然日" else 0
    return day - timedelta(days=days)


def after(start: datetime, rule: TimeRule, cal: WorkCalendar, tz: ZoneInfo, hour: int) -> datetime:
    """The push moment ``rule`` after ``start``: its last day at the push hour, or exact."""
    found = compute(start, rule, cal, tz)
    return found.due_at if found.last_day is None else at_hour(found.last_day, hour, tz)


def next_feedback(
    day: date, cadence: str, config: Config, cal: WorkCalendar, tz: ZoneInfo
) -> date:
    """The day a progress report falls due, one cadence after ``day``."""
    found = compute(at_hour(day, 12, tz), config.rules[CADENCES[cadence]], cal, tz)
    return found.last_day or day


def wanted(
    item: SupervisionItem, config: Config, cal: WorkCalendar, tz: ZoneInfo
) -> dict[str, datetime]:
    """Each push the item needs now, by step, with its moment."""
    hour, rules = config.supervision.push_hour, config.rules
    steps: dict[str, datetime] = {}
    if item.status == Status.ASSIGNED:
        steps["sign"] = after(item.assigned_at, rules["supervision.sign"], cal, tz, hour)
    if item.status in WORKING and item.next_feedback_date is not None:
        steps["feedback"] = at_hour(item.next_feedback_date, hour, tz)
    if item.status in OPEN:
        steps["yellow"] = at_hour(
            before(item.due_date, rules["supervision.due_soon"], cal), hour, tz
        )
        steps["orange"] = at_hour(item.due_date, hour, tz)
        steps["red"] = at_hour(item.due_date + timedelta(days=1), hour, tz)
        due_day = at_hour(item.due_date, hour, tz)
        for name, rule_id in LADDER.items():
            steps[name] = after(due_day, rules[rule_id], cal, tz, hour)
        if steps["chase"] <= steps["red"]:
            del steps["red"]  # the 催办 notice carries the red card itself: one push, not two
    return steps


async def replan(
    session: AsyncSession, now: datetime, item: SupervisionItem, config: Config, tz: ZoneInfo
) -> dict[str, datetime]:
    """Bring the item's due rows in line with its state; returns the steps now pending."""
    cal = WorkCalendar(config.calendar)
    prefix = key_prefix(item.id)
    rows = await session.scalars(
        select(due.DueItem).where(due.DueItem.key.startswith(prefix, autoescape=True))
    )
    fired = {
        r.key: r.due_at
        for r in rows
        if r.key and r.status in (due.DueStatus.DONE.value, due.DueStatus.CLAIMED.value)
    }
    plan = wanted(item, config, cal, tz)
    pending: dict[str, datetime] = {}
    for name, moment in plan.items():
        key = prefix + name
        if fired.get(key) == moment:
            continue  # already sent for this very moment
        await due.schedule(
            session,
            now,
            kind=KIND,
            due_at=moment,
            payload={"item": item.id, "step": name},
            key=key,
        )
        pending[name] = moment
    for name in {*MARKS, "sign", "feedback"} - set(pending):
        await due.cancel(session, prefix + name)
    return pending

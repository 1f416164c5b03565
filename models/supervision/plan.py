"""When each 督办 push is due: 签收, 反馈, 黄牌/橙牌/红牌 and the ladder 催办 → 通报 → 约谈建议.

Every push is a due-item row keyed ``task:<id>:<step>``; :func:`replan` derives the wanted rows
from the item's state and dates and lets models.deadlines.clocks add, move or cancel them.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from models.deadlines import clocks
from models.deadlines.calendar import WorkCalendar
from models.deadlines.clocks import Moments, at_hour
from models.deadlines.compute import compute, end_of_day
from models.directory.users import OrgUnit
from models.supervision.records import CADENCES, OPEN, WORKING, Status, SupervisionItem, log, step

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


def next_feedback(
    day: date, cadence: str, config: Config, cal: WorkCalendar, tz: ZoneInfo
) -> date:
    """The day a progress report falls due, one cadence after ``day``."""
    found = compute(at_hour(day, 12, tz), config.rules[CADENCES[cadence]], cal, tz)
    return found.last_day or day


def wanted(item: SupervisionItem, config: Config, tz: ZoneInfo) -> dict[str, datetime]:
    """Each push the item needs now, by step, with its moment."""
    moments, rules = Moments.of(config, tz), config.rules
    steps: dict[str, datetime] = {}
    if item.status == Status.ASSIGNED:
        steps["sign"] = moments.after(item.assigned_at, rules["supervision.sign"])
    if item.status in WORKING and item.next_feedback_date is not None:
        steps["feedback"] = moments.on(item.next_feedback_date)
    if item.status in OPEN:
        steps["yellow"] = moments.soon(item.due_date, rules["supervision.due_soon"])
        steps["orange"] = moments.on(item.due_date)
        steps["red"] = moments.over(item.due_date)
        for name, rule_id in LADDER.items():
            steps[name] = moments.after(moments.on(item.due_date), rules[rule_id])
        if steps["chase"] <= steps["red"]:
            del steps["red"]  # the 催办 notice carries the red card itself: one push, not two
    return steps


async def replan(
    session: AsyncSession, now: datetime, item: SupervisionItem, config: Config, tz: ZoneInfo
) -> dict[str, datetime]:
    """Bring the item's due rows in line with its state; returns the steps now pending."""
    return await clocks.sync(
        session,
        now,
        prefix=key_prefix(item.id),
        kind=KIND,
        wanted=wanted(item, config, tz),
        payload={"item": item.id},
    )


async def open_item(
    session: AsyncSession,
    now: datetime,
    config: Config,
    tz: ZoneInfo,
    *,
    source: str,
    title: str,
    content: str,
    org: OrgUnit,
    due_date: date,
    created_by: int,
    co_orgs: list[str] | None = None,
    leader: str = "",
    cadence: str = "每周",
    origin: str | None = None,
) -> tuple[SupervisionItem, dict[str, datetime]]:
    """立项 and 交办 in one step, by ``created_by``: the new item and its planned pushes.

    Every way an item comes to be (立项 in chat, 批示, 会后督办, an overdue 12345 ticket) goes
    through here, so each has the same history and the same pushes.
    """
    item = SupervisionItem(
        source=source,
        title=title[:200],
        content=content,
        lead_leader=leader,
        lead_org=org,
        co_orgs=list(co_orgs or []),
        due_date=due_date,
        due_at=end_of_day(due_date, tz),
        original_due_date=due_date,
        cadence=cadence,
        status=Status.CREATED.value,
        origin=origin,
        created_by=created_by,
        created_at=now,
    )
    session.add(item)
    log(item, "立项", created_by, now, content)
    await session.flush()
    step(item, "交办", created_by, now, f"承办：{org.name}")
    await session.flush()
    return item, await replan(session, now, item, config, tz)

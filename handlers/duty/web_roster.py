"""The roster's month calendar on the web dashboard: each day's shifts, holidays and 调休 marked
(the calendar of models/deadlines, as /duty reads it)."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from pathlib import Path

from bot.core.errors import UserError
from bot.core.roles import ANY_BOUND
from bot.web.pages import PageContext, Rendered, WebPages
from handlers.duty.web import PHONES_FOR
from models.deadlines.calendar import WorkCalendar
from models.deadlines.settings import CALENDAR
from models.duty import records as duty
from models.duty.records import DutySlot
from models.duty.rotation import KIND_LABELS, day_kind

pages = WebPages("duty", Path(__file__).with_name("templates"))
WEEK_HEADER = tuple("一二三四五六日")


def parse_month(text: str, today: date) -> date:
    """``2026-11`` → its first day; empty → this month.

    Raises:
        UserError: not a month.
    """
    if not text:
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise UserError(f"月份「{text}」格式不对，应写作 2026-11 这样的年-月。") from None


def _shift(month: date, step: int) -> str:
    index = month.year * 12 + month.month - 1 + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def day_cell(
    cal: WorkCalendar, day: date, month: date, slots: list[DutySlot]
) -> dict[str, object]:
    """One day of the grid: its kind, holiday name, 调休 mark and shifts."""
    kind = day_kind(cal, day)
    adjusted = day.weekday() >= 5 and kind == "workday"  # 调休: a weekend worked
    return {
        "day": day,
        "in_month": day.month == month.month,
        "kind": kind,
        "label": "调休上班" if adjusted else (cal.holiday_name(day) or ""),
        "off": kind != "workday",
        "adjusted": adjusted,
        "shifts": [
            {
                "shift": s.shift,
                "leader": s.leader.name if s.leader else "",
                "officers": "、".join(u.name for u in s.officers),
            }
            for s in slots
        ],
    }


@pages.page("/web/duty/roster", "排班日历", roles=ANY_BOUND)
async def roster(ctx: PageContext) -> Rendered:
    """A month of the roster, Monday first; ``?month=2026-12`` for another month."""
    month = parse_month(ctx.arg("month"), ctx.today)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    by_day: dict[date, list[DutySlot]] = defaultdict(list)
    for slot in await duty.slots_between(ctx.session, weeks[0][0], weeks[-1][-1]):
        by_day[slot.day].append(slot)
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    return ctx.render(
        "duty/roster.html",
        month=month,
        today=ctx.today,
        header=WEEK_HEADER,
        weeks=[[day_cell(cal, d, month, by_day[d]) for d in week] for week in weeks],
        previous=_shift(month, -1),
        following=_shift(month, 1),
        kinds=KIND_LABELS,
        warning=cal.warning(month.year),
        may_export=bool(ctx.user.roles & set(PHONES_FOR)),  # the export carries phones
    )

"""The deadline engine: ``due = f(start, rule, calendar)`` for every time limit in the rule table.

Day-based limits end at 24:00 local of their last day. 次日起算 leaves the start day out (民法典
§201); 当日 counts it as day one. A last day that is not a working day moves to the next working
day when the rule says so (民法典 §203). Every result carries the calendar's warnings (a year
without 调休 data is counted on weekends only).
"""

from __future__ import annotations

import calendar as _months
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config.rules import TimeRule
from bot.core.clock import LocalTime
from bot.core.errors import UserError
from models.deadlines.calendar import WorkCalendar


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed deadline.

    Attributes:
        due_at: The moment it expires, aware UTC (24:00 local of ``last_day`` for day units).
        last_day: The last local day for day units; None for 分钟/小时.
        warnings: Calendar warnings for the years the computation relied on.
        moved_from: The last day before a §203 move to a working day, if it moved.
    """

    due_at: datetime
    last_day: date | None
    warnings: tuple[str, ...] = ()
    moved_from: date | None = None

    def day(self, tz: ZoneInfo) -> date:
        """The last local day (the day it expires on, for 分钟/小时)."""
        return self.last_day or self.due_at.astimezone(tz).date()


def add_months(day: date, months: int) -> date:
    """The corresponding day ``months`` later; the month's last day when it has none (§202)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _months.monthrange(year, month)[1]))


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """24:00 local of ``day`` as aware UTC."""
    following = day + timedelta(days=1)
    return datetime(following.year, following.month, following.day, tzinfo=tz).astimezone(UTC)


def shift_workdays(cal: WorkCalendar, day: date, count: int) -> tuple[date, list[str]]:
    """The ``count``-th working day after ``day`` (before it when negative)."""
    if count >= 0:
        return cal.add_workdays(day, count)
    years, left = {day.year}, -count
    while left > 0:
        day -= timedelta(days=1)
        years.add(day.year)
        if cal.is_workday(day):
            left -= 1
    return day, [w for y in sorted(years) if (w := cal.warning(y))]


def before(day: date, rule: TimeRule, cal: WorkCalendar) -> date:
    """The day ``rule`` ahead of ``day`` (临期 starts there)."""
    if rule.unit == "工作日":
        return shift_workdays(cal, day, -rule.amount)[0]
    if rule.unit == "月":
        return add_months(day, -rule.amount)
    days = rule.amount if rule.unit == "自然日" else 0
    return day - timedelta(days=days)


def _last_day(
    start: date, rule: TimeRule, amount: int, cal: WorkCalendar
) -> tuple[date, list[str]]:
    counted = rule.start == "当日"
    if rule.unit == "工作日":
        if counted and cal.is_workday(start):
            amount -= 1  # the start day is day one ("含本数")
        return cal.add_workdays(start, amount)
    if rule.unit == "自然日":
        last = start + timedelta(days=amount - (1 if counted else 0))
    else:
        last = add_months(start, amount) - timedelta(days=1 if counted else 0)
    return last, [w for y in sorted({start.year, last.year}) if (w := cal.warning(y))]


def compute(
    start: datetime,
    rule: TimeRule,
    cal: WorkCalendar,
    tz: ZoneInfo,
    *,
    extension: int = 0,
    amount: int | None = None,
) -> Deadline:
    """When a limit that starts at ``start`` expires.

    Args:
        start: The event that starts the clock (receipt, assignment …), aware.
        rule: The rule from the table.
        cal: The working-day calendar.
        tz: Local zone; day units count local days.
        extension: Extra time granted, in the rule's unit; at most ``rule.extension_max``.
        amount: Replaces ``rule.amount`` (a limit set per item, 督办).

    Raises:
        UserError: a naive ``start``, or an extension the rule does not allow.
    """
    if start.tzinfo is None:
        raise ValueError("deadline start must be an aware datetime")
    if extension < 0:
        raise UserError("延期时长不能为负数")
    if extension and (rule.extension_max is None or extension > rule.extension_max):
        allowed = f"最多延长 {rule.extension_max}{rule.unit}" if rule.extension_max else "不可延期"
        raise UserError(f"「{rule.name}」{allowed}（{rule.source}{rule.clause}）")
    total = (rule.amount if amount is None else amount) + extension
    if rule.unit in ("分钟", "小时"):
        step = timedelta(minutes=total) if rule.unit == "分钟" else timedelta(hours=total)
        return Deadline(due_at=start.astimezone(UTC) + step, last_day=None)
    last, warnings = _last_day(start.astimezone(tz).date(), rule, total, cal)
    moved_from = None
    if rule.roll_to_workday and rule.unit != "工作日" and not cal.is_workday(last):
        moved_from = last
        last, more = cal.next_workday(last)
        warnings = list(dict.fromkeys([*warnings, *more]))
    return Deadline(end_of_day(last, tz), last, tuple(warnings), moved_from)


def describe(deadline: Deadline, local: LocalTime) -> str:
    """One line for people: ``2023-10-10（星期二）24:00 前`` plus a §203 note."""
    if deadline.last_day is None:
        return f"{local.fmt(deadline.due_at)} 前"
    text = f"{deadline.last_day.isoformat()}（{weekday(deadline.last_day)}）24:00 前"
    if deadline.moved_from is not None:
        text += f"（原为 {deadline.moved_from.isoformat()}，逢休息日顺延）"
    return text


_WEEKDAYS = "一二三四五六日"


def weekday(day: date) -> str:
    """``星期二``."""
    return f"星期{_WEEKDAYS[day.weekday()]}"


def workday_answer(cal: WorkCalendar, start: date, count: int) -> list[str]:
    """The ``count``-th working day after ``start`` explained in lines (chat and CLI alike)."""
    if count < 0:
        raise UserError("工作日数应为 0 或正整数，例如：工作日 加 5 2023-09-27")
    day, warnings = cal.add_workdays(start, count)
    lines = [
        f"{start.isoformat()}（{weekday(start)}）后第 {count} 个工作日："
        f"{day.isoformat()}（{weekday(day)}）"
    ]
    off, in_lieu = [], []
    for offset in range(1, (day - start).days):
        d = start + timedelta(days=offset)
        if d.weekday() < 5 and not cal.is_workday(d):
            off.append(f"{d.isoformat()}（{cal.holiday_name(d) or '放假'}）")
        elif d.weekday() >= 5 and cal.is_workday(d):
            in_lieu.append(d.isoformat())
    if off:
        lines.append("其间工作日放假：" + "、".join(off))
    if in_lieu:
        lines.append("其间周末调休上班：" + "、".join(in_lieu))
    return lines + [f"⚠️ {w}" for w in warnings]

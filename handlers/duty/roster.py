"""Who is on duty: /duty [today|tomorrow|week|DATE] (值班 今天/明天/本周), /myduty (我的值班)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from bot.core.args import Arg, parse_date
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.roles import ANY_BOUND
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from models.deadlines.calendar import WorkCalendar
from models.deadlines.settings import CALENDAR
from models.duty import records as duty
from models.duty.rotation import KIND_LABELS, day_kind

router = Router("duty", UNSCOPED)
# 「值班表」 reaches /duty as 值班 + 表: people mean the roster, i.e. this week.
_WEEK = {"week", "本周", "这周", "一周", "表", "值班表", "排班表"}
_NEXT_WEEK = {"next", "下周"}
WEEKDAYS = "一二三四五六日"


def day_label(cal: WorkCalendar, day: date) -> str:
    """``11-28 周六（周末）`` or ``10-01 周四（国庆节）``."""
    kind = day_kind(cal, day)
    name = cal.holiday_name(day) or KIND_LABELS[kind]
    return f"{day:%m-%d} 周{WEEKDAYS[day.weekday()]}（{name}）"


def calendar_notes(cal: WorkCalendar, days: list[date]) -> list[str]:
    """The missing-calendar warning of each year the days fall in."""
    return [f"⚠ {w}" for y in sorted({d.year for d in days}) if (w := cal.warning(y))]


def _range(text: str | None, today: date) -> tuple[date, date]:
    value = (text or "today").strip().lower()
    if value in _WEEK:
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    if value in _NEXT_WEEK:
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday, monday + timedelta(days=6)
    try:
        day = parse_date(value, today)
    except ValueError as exc:
        raise UserError(f"{exc}；也可写 本周/下周。例如：值班 明天") from None
    return day, day


@router.command(
    "duty",
    aliases=("值班", "今日值班"),
    roles=ANY_BOUND,
    help="查看值班安排：今天/明天/本周/下周/日期",
)
async def show_duty(
    ctx: HandlerContext, *, when: Annotated[str | None, Arg("今天|明天|本周|日期")] = None
) -> str:
    """The roster for a day or a week, with 带班领导, officers, 备班 and the duty phone."""
    first, last = _range(when, ctx.today)
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    slots = await duty.slots_between(ctx.session, first, last)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    lines = []
    for day in days:
        mine = [s for s in slots if s.day == day]
        if first == last:
            lines.append(f"值班安排 {day_label(cal, day)}")
        else:
            lines.append(day_label(cal, day))
        lines += [f"  {s.describe(ctx.tz, with_day=False)}" for s in mine] or ["  未排班"]
        for slot in mine:
            lines += [f"    {u.name} {u.phone}" for u in slot.officers if u.phone]
    return "\n".join(lines + calendar_notes(cal, days))


@router.command("myduty", aliases=("我的值班",), roles=ANY_BOUND, help="查看我接下来的值班")
async def my_duty(ctx: HandlerContext) -> str:
    """The caller's coming slots (as officer, 带班领导 or 备班)."""
    slots = await duty.upcoming_for(ctx.session, ctx.me.id, ctx.now)
    if not slots:
        return "您近期没有值班安排。查看全部：值班 本周"
    lines = []
    for slot in slots:
        role = (
            "值班员"
            if ctx.me.id in slot.officer_ids
            else ("带班领导" if slot.leader_id == ctx.me.id else "备班")
        )
        lines.append(f"{slot.describe(ctx.tz)}（{role}）")
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    return "\n".join(["您接下来的值班：", *lines, *calendar_notes(cal, [s.day for s in slots])])

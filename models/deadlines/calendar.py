"""Working days and public holidays with 调休: config overrides, then chinese-calendar (up to
``calendar.library_until`` when set), then weekends only (with a warning) for a year neither
knows. Never a crash."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from models.deadlines.settings import CalendarConfig

_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


@lru_cache(maxsize=64)
def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=16384)
def _library_workday(day: date) -> bool:
    # chinese-calendar validates every date against min()/max() of all its holidays (~0.1 ms a
    # call); a deadline walks dozens of days, and replanning walks many deadlines.
    return bool(chinese_calendar.is_workday(day))


def _warning(year: int) -> str:
    return (
        f"{year} 年的节假日与调休安排未知（chinese-calendar 未收录，config.yaml 的 "
        f"calendar.overrides 也未配置），已按周末计算，结果可能有误。"
    )


@dataclass
class WorkCalendar:
    """Answers "is this a working day" for any date, noting where it had to guess."""

    config: CalendarConfig = field(default_factory=CalendarConfig)

    def source(self, year: int) -> str:
        """Where this year's data comes from: ``override``, ``library`` or ``weekends``."""
        if year in self.config.overrides:
            return "override"
        until = self.config.library_until
        known = (until is None or year <= until) and _library_knows(year)
        return "library" if known else "weekends"

    def warning(self, year: int) -> str | None:
        """A warning to show with results that depend on ``year``, if its data is missing."""
        return _warning(year) if self.source(year) == "weekends" else None

    def is_workday(self, day: date) -> bool:
        """True on a working day (调休 weekends included, holidays excluded)."""
        kind = self.source(day.year)
        if kind == "override":
            year = self.config.overrides[day.year]
            if day in year.workdays:
                return True
            if day in year.holidays:
                return False
        elif kind == "library":
            return _library_workday(day)
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        """The holiday's Chinese name when the library knows it."""
        if self.source(day.year) != "library":
            return None
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if not on_holiday or name is None:
            return None
        return _NAMES.get(str(name), str(name))

    def add_workdays(self, start: date, count: int) -> tuple[date, list[str]]:
        """The ``count``-th working day after ``start`` (start itself not counted).

        Returns:
            The date and the warnings of every year the count passed through.
        """
        if count < 0:
            raise ValueError("工作日数不能为负")
        day, left, years = start, count, {start.year}
        while left > 0:
            day += timedelta(days=1)
            years.add(day.year)
            if self.is_workday(day):
                left -= 1
        return day, [w for y in sorted(years) if (w := self.warning(y))]

    def next_workday(self, day: date) -> tuple[date, list[str]]:
        """``day`` itself if it is a working day, else the next one."""
        years = {day.year}
        while not self.is_workday(day):
            day += timedelta(days=1)
            years.add(day.year)
        return day, [w for y in sorted(years) if (w := self.warning(y))]

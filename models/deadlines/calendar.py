"""Working days and public holidays with 调休: config overrides, then imported State Council
notices, then chinese-calendar (up to ``calendar.library_until`` when set), then the law's
statutory days and 补假 estimated for a year none of them knows (flagged 推定), and weekends only
for a year outside the law's range. Never a crash."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from models.deadlines.imported import ImportedDays, current
from models.deadlines.settings import CalendarConfig
from models.deadlines.statutory import can_estimate, estimated_days_off

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


ESTIMATED = "推定"


def _estimate_warning(year: int) -> str:
    return (
        f"{year} 年的放假安排尚无正式通知，节假日为{ESTIMATED}：按《全国年节及纪念日放假办法》"
        f"计入法定节假日及逢周末的补假，不含调休；以国务院办公厅通知为准"
        f"（管理员可用「导入节假日」导入通知）。"
    )


@dataclass
class WorkCalendar:
    """Answers "is this a working day" for any date, noting where it had to guess."""

    config: CalendarConfig = field(default_factory=CalendarConfig)
    imported: ImportedDays = field(default_factory=current)

    def source(self, year: int) -> str:
        """Where this year's data comes from: ``override``, ``notice`` (imported), ``library``,
        ``estimated`` (the law, 推定) or ``weekends``."""
        if year in self.config.overrides:
            return "override"
        if year in self.imported.years:
            return "notice"
        until = self.config.library_until
        if (until is None or year <= until) and _library_knows(year):
            return "library"
        return "estimated" if self.config.estimate and can_estimate(year) else "weekends"

    def estimated(self, year: int) -> bool:
        """True when ``year``'s days off are the law's estimate, not a published schedule."""
        return self.source(year) == "estimated"

    def warning(self, year: int) -> str | None:
        """A warning to show with results that depend on ``year``, if its data is not official."""
        kind = self.source(year)
        if kind == "estimated":
            return _estimate_warning(year)
        return _warning(year) if kind == "weekends" else None

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
        elif (named := self.imported.days.get(day)) is not None:
            return named[0]  # a notice's day, also one in the year before (2023's 元旦)
        elif kind == "estimated" and day in estimated_days_off(day.year):
            return False
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        """The holiday's Chinese name when known; estimated ones end in （推定）."""
        kind = self.source(day.year)
        if kind == "library":
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            if not on_holiday or name is None:
                return None
            return _NAMES.get(str(name), str(name))
        if kind == "notice":
            named = self.imported.days.get(day)
            return named[1] if named and not named[0] and named[1] else None
        if kind == "estimated" and (name := estimated_days_off(day.year).get(day)):
            return f"{name}（{ESTIMATED}）"
        return None

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

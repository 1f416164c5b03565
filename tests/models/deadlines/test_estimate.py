"""A year without official data: the law's statutory days and 补假 (推定), never 调休; checked
against chinese-calendar for the years it knows, and on 2027 (pinned "no data") and 2099."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from bot.app import load_config
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import compute
from models.deadlines.imported import ImportedDays
from models.deadlines.settings import CalendarConfig, YearOverride
from models.deadlines.statutory import estimated_days_off, statutory_days
from tests.conftest import CALENDAR

TZ = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar(CALENDAR)  # chinese-calendar up to 2026: 2027 has no data
RULES = load_config().rules


def year_days(year: int) -> list[date]:
    return [
        date(year, 1, 1) + timedelta(days=i)
        for i in range(366)
        if (date(year, 1, 1) + timedelta(days=i)).year == year
    ]


@pytest.mark.parametrize("year", range(2014, 2027))
def test_every_statutory_day_is_a_holiday_in_the_published_schedules(year: int) -> None:
    days = statutory_days(year)
    assert [d for d in days if chinese_calendar.is_workday(d)] == []
    counts = Counter(days.values())  # 2025 text: + 除夕, + 5月2日
    assert (counts["春节"], counts["劳动节"]) == ((4, 2) if year >= 2025 else (3, 1))
    assert counts["元旦"] == counts["清明节"] == counts["端午节"] == 1
    # 2020: 中秋 fell on 10月1日
    assert counts["国庆节"] == 3 and counts["中秋节"] == (0 if year == 2020 else 1)


def test_make_up_days_match_the_published_schedules_but_one() -> None:
    wrong = [
        d
        for year in range(2014, 2027)
        for d, name in estimated_days_off(year).items()
        if name.endswith("补假") and chinese_calendar.is_workday(d)
    ]
    # 2015: 中秋 on Sunday 27 Sep got no 补假 in the notice (国庆 followed) — an estimate's limit.
    assert wrong == [date(2015, 9, 28)]


def test_2027_without_data_is_estimated_from_the_law() -> None:
    assert CAL.source(2027) == "estimated" and CAL.estimated(2027)
    off = {d for d in year_days(2027) if not CAL.is_workday(d) and d.weekday() < 5}
    assert sorted(off) == [
        date(2027, 1, 1),  # 元旦, Friday
        date(2027, 2, 5),  # 除夕
        date(2027, 2, 8),  # 初三 (Monday)
        date(2027, 2, 9),  # 补假 for 初一 on Saturday
        date(2027, 2, 10),  # 补假 for 初二 on Sunday
        date(2027, 4, 5),  # 清明
        date(2027, 5, 3),  # 补假 for 5月1日 (Sat)
        date(2027, 5, 4),  # 补假 for 5月2日 (Sun)
        date(2027, 6, 9),  # 端午
        date(2027, 9, 15),  # 中秋
        date(2027, 10, 1),
        date(2027, 10, 4),  # 补假 for 10月2日 (Sat)
        date(2027, 10, 5),  # 补假 for 10月3日 (Sun)
    ]
    assert [d for d in year_days(2027) if d.weekday() >= 5 and CAL.is_workday(d)] == []  # no 调休
    assert CAL.holiday_name(date(2027, 2, 5)) == "春节（推定）"
    assert CAL.holiday_name(date(2027, 10, 4)) == "国庆节补假（推定）"
    assert "推定" in (CAL.warning(2027) or "") and CAL.warning(2026) is None


def test_measured_2027_deadlines_now_skip_the_estimated_holidays() -> None:
    day, warnings = CAL.add_workdays(date(2026, 12, 31), 1)
    assert day == date(2027, 1, 4) and "推定" in warnings[0]
    forward = compute(datetime(2026, 12, 17, 2, tzinfo=UTC), RULES["petition.forward"], CAL, TZ)
    assert (forward.last_day, forward.moved_from) == (date(2027, 1, 4), date(2027, 1, 1))
    assert "推定" in forward.warnings[0]
    assert not CAL.is_workday(date(2027, 2, 5)) and not CAL.is_workday(date(2027, 2, 8))


def test_2099_is_estimated_with_the_2025_text() -> None:
    cal = WorkCalendar(CalendarConfig())
    assert cal.source(2099) == "estimated"
    spring = [d for d, n in statutory_days(2099).items() if n == "春节"]
    assert spring == [date(2099, 1, 20), date(2099, 1, 21), date(2099, 1, 22), date(2099, 1, 23)]
    assert not cal.is_workday(date(2099, 1, 20))  # 除夕, a Tuesday


def test_the_2013_text_governs_years_before_2025() -> None:
    days = statutory_days(2024)
    assert date(2024, 2, 9) not in days  # 除夕 was no statutory day before 2025
    assert date(2024, 5, 2) not in days and date(2024, 5, 1) in days
    assert date(2025, 1, 28) in statutory_days(2025) and date(2025, 5, 2) in statutory_days(2025)


def test_official_data_and_overrides_take_precedence_over_the_estimate() -> None:
    notice = ImportedDays(
        frozenset({2027}), {date(2027, 2, 20): (True, ""), date(2027, 2, 11): (False, "春节")}
    )
    cal = WorkCalendar(CALENDAR, notice)
    assert cal.source(2027) == "notice" and cal.warning(2027) is None
    assert cal.is_workday(date(2027, 2, 20)) is True  # a 调休 Saturday, only from a notice
    assert cal.is_workday(date(2027, 2, 9)) is True  # the estimate's 补假 is gone
    assert cal.holiday_name(date(2027, 2, 11)) == "春节"
    override = CalendarConfig(
        library_until=2026, overrides={2027: YearOverride(holidays=(date(2027, 3, 1),))}
    )
    over = WorkCalendar(override, notice)
    assert over.source(2027) == "override" and not over.is_workday(date(2027, 3, 1))
    assert over.is_workday(date(2027, 2, 11))
    assert WorkCalendar(CalendarConfig(), notice).source(2026) == "library"


def test_years_outside_the_law_s_range_fall_back_to_weekends() -> None:
    cal = WorkCalendar(CalendarConfig())
    assert cal.source(2101) == "weekends" and "按周末计算" in (cal.warning(2101) or "")
    assert (
        WorkCalendar(CalendarConfig(library_until=2026, estimate=False)).source(2027) == "weekends"
    )

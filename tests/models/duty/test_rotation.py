"""Roster generation: equal counts, no one twice in a row, holidays spread and double-staffed,
2026→2027 on the library, on config overrides, and on the law's estimate with a warning."""

from __future__ import annotations

from collections import Counter
from datetime import date

from models.deadlines.calendar import WorkCalendar
from models.deadlines.settings import CalendarConfig, YearOverride
from models.duty.rotation import day_kind, generate
from models.duty.settings import DutyConfig
from tests.conftest import CALENDAR

CAL = WorkCalendar(CALENDAR)
OFFICERS = (1, 2, 3)
LEADERS = (10, 11)


def test_counts_are_equal_and_nobody_serves_twice_in_a_row() -> None:
    plan = generate(DutyConfig(), CAL, date(2026, 11, 2), date(2026, 11, 28), OFFICERS, LEADERS)
    counts = Counter(uid for spec in plan.specs for uid in spec.officer_ids)
    assert max(counts.values()) - min(counts.values()) <= 1
    for before, after in zip(plan.specs, plan.specs[1:], strict=False):
        assert not set(before.officer_ids) & set(after.officer_ids)
        assert before.leader_id != after.leader_id
    assert plan.warnings == []


def test_national_day_is_double_staffed_and_spread() -> None:
    plan = generate(DutyConfig(), CAL, date(2026, 10, 1), date(2026, 10, 7), OFFICERS, LEADERS)
    assert [day_kind(CAL, s.day) for s in plan.specs] == ["holiday"] * 7
    assert all(len(s.officer_ids) == 2 for s in plan.specs)
    holidays = Counter(uid for s in plan.specs for uid in s.officer_ids)
    assert max(holidays.values()) - min(holidays.values()) <= 1


def test_2027_without_data_staffs_the_estimated_new_year_and_warns() -> None:
    plan = generate(DutyConfig(), CAL, date(2026, 12, 30), date(2027, 1, 3), OFFICERS, LEADERS)
    assert len(plan.specs) == 5
    assert len(plan.warnings) == 1 and "2027 年" in plan.warnings[0] and "推定" in plan.warnings[0]
    kinds = [day_kind(CAL, s.day) for s in plan.specs]
    # 2027-01-01 is a Friday: 元旦 by the law (推定), staffed as a holiday, no notice needed.
    assert kinds == ["workday", "workday", "holiday", "weekend", "weekend"]


def test_a_year_counted_on_weekends_only_still_warns() -> None:
    cal = WorkCalendar(CalendarConfig(library_until=2026, estimate=False))
    plan = generate(DutyConfig(), cal, date(2026, 12, 30), date(2027, 1, 3), OFFICERS, LEADERS)
    assert "按周末计算" in plan.warnings[0]
    assert day_kind(cal, date(2027, 1, 1)) == "workday"


def test_2027_with_overrides_knows_the_holiday() -> None:
    cal = WorkCalendar(
        CalendarConfig(
            overrides={
                2027: YearOverride(holidays=(date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)))
            }
        )
    )
    plan = generate(DutyConfig(), cal, date(2026, 12, 30), date(2027, 1, 3), OFFICERS, LEADERS)
    assert plan.warnings == []
    assert [len(s.officer_ids) for s in plan.specs] == [1, 1, 2, 2, 2]

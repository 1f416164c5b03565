"""The deadline engine: worked examples, 次日/当日, §203 moves, months, hours, extensions, 2027."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import load_config
from bot.config import ConfigError
from bot.config.rules import TimeRule
from bot.core.errors import UserError
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import add_months, compute, shift_workdays, workday_answer
from models.deadlines.settings import CalendarConfig, YearOverride
from tests.conftest import CALENDAR

TZ = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar(CALENDAR)
RULES = load_config().rules


def rule(amount: int, unit: str, **extra: object) -> TimeRule:
    return TimeRule.model_validate(
        {
            "name": "测试",
            "domain": "督办",
            "amount": amount,
            "unit": unit,
            "source": "测试",
            **extra,
        }
    )


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=TZ)


def test_five_working_days_after_national_day_eve_is_october_10() -> None:
    found = compute(at(2023, 9, 27), RULES["hotline.handle"], CAL, TZ)
    assert found.last_day == date(2023, 10, 10)
    # 24:00 local of the last day, stored as aware UTC
    assert found.due_at == datetime(2023, 10, 10, 16, 0, tzinfo=UTC)
    assert found.warnings == ()


def test_same_day_start_counts_the_start_day() -> None:
    assert compute(at(2023, 9, 27), rule(5, "工作日", start="当日"), CAL, TZ).last_day == date(
        2023, 10, 9
    )
    # a start on a day off is not a working day, so it does not count as day one
    sunday = compute(at(2023, 10, 1), rule(1, "工作日", start="当日"), CAL, TZ)
    assert sunday.last_day == date(2023, 10, 7)
    assert compute(at(2026, 11, 26), rule(15, "自然日", start="当日"), CAL, TZ).last_day == date(
        2026, 12, 10
    )


def test_natural_day_limit_ending_on_a_holiday_moves_to_the_next_working_day() -> None:
    # 信访 15 日 from 2023-09-20: the 15th day is 2023-10-05 (国庆) → 2023-10-07 (调休上班)
    found = compute(at(2023, 9, 20), RULES["petition.forward"], CAL, TZ)
    assert (found.moved_from, found.last_day) == (date(2023, 10, 5), date(2023, 10, 7))
    kept = compute(at(2023, 9, 20), rule(15, "自然日", roll_to_workday=False), CAL, TZ)
    assert (kept.moved_from, kept.last_day) == (None, date(2023, 10, 5))


def test_months_use_the_corresponding_day_or_the_month_end() -> None:
    assert compute(at(2026, 3, 10), RULES["proposal.reply"], CAL, TZ).last_day == date(2026, 6, 10)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    # 2026-01-31 + 1 month = 2026-02-28, a Saturday worked in lieu (春节调休): it stays
    assert compute(at(2026, 1, 31), rule(1, "月"), CAL, TZ).last_day == date(2026, 2, 28)
    # 2026-04-30 + 1 month = 2026-05-30, an ordinary Saturday → Monday 2026-06-01
    assert compute(at(2026, 4, 30), rule(1, "月"), CAL, TZ).last_day == date(2026, 6, 1)


def test_hours_and_minutes_are_exact_and_never_move() -> None:
    start = at(2026, 9, 30, 22)
    assert compute(start, rule(24, "小时"), CAL, TZ).due_at == start + timedelta(hours=24)
    found = compute(start, rule(90, "分钟"), CAL, TZ)
    assert (found.due_at, found.last_day) == (start + timedelta(minutes=90), None)


def test_extension_up_to_the_rule_maximum() -> None:
    conclude = RULES["petition.conclude"]
    base = compute(at(2026, 3, 2), conclude, CAL, TZ)
    longer = compute(at(2026, 3, 2), conclude, CAL, TZ, extension=30)
    assert base.last_day == date(2026, 5, 6)  # 60th day 2026-05-01 is 劳动节 → moved
    assert longer.last_day == date(2026, 6, 1)  # 90th day is Sunday 2026-05-31
    with pytest.raises(UserError, match="最多延长 30自然日"):
        compute(at(2026, 3, 2), conclude, CAL, TZ, extension=31)
    # 12345: 5 工作日, extended by up to 10 工作日 → the 15th working day
    handle = RULES["hotline.handle"]
    assert compute(at(2023, 9, 27), handle, CAL, TZ, extension=10).last_day == date(2023, 10, 24)
    with pytest.raises(UserError, match="最多延长 10工作日"):
        compute(at(2023, 9, 27), handle, CAL, TZ, extension=11)
    with pytest.raises(UserError, match="不可延期"):
        compute(at(2026, 3, 2), RULES["petition.forward"], CAL, TZ, extension=1)


def test_a_year_without_data_warns_unless_overridden() -> None:
    found = compute(at(2026, 12, 28), rule(5, "工作日"), CAL, TZ)
    assert found.last_day == date(2027, 1, 5)  # 29,30,31 Dec, (1 Jan 元旦 推定), 4, 5 Jan
    assert len(found.warnings) == 1 and "2027" in found.warnings[0] and "推定" in found.warnings[0]
    override = CalendarConfig(
        overrides={2027: YearOverride(holidays=(date(2027, 1, 1),), workdays=())}
    )
    known = compute(at(2026, 12, 28), rule(5, "工作日"), WorkCalendar(override), TZ)
    assert (known.last_day, known.warnings) == (date(2027, 1, 5), ())


def test_library_years_can_be_pinned() -> None:
    pinned = WorkCalendar(CalendarConfig(library_until=2024, estimate=False))
    assert (pinned.source(2024), pinned.source(2025)) == ("library", "weekends")
    assert pinned.is_workday(date(2024, 10, 1)) is False  # National Day, from the library
    assert pinned.is_workday(date(2025, 10, 1)) is True  # a Wednesday, weekends only
    assert pinned.holiday_name(date(2025, 10, 1)) is None
    assert "2025 年的节假日与调休安排未知" in (pinned.warning(2025) or "")
    assert WorkCalendar().source(2025) == "library"


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        compute(datetime(2026, 1, 1), rule(1, "自然日"), CAL, TZ)  # noqa: DTZ001


def test_working_day_rules_are_monotonic_and_land_on_working_days() -> None:
    """Every 3rd day of 2023–2026, N = 1…15, both start conventions, through the engine."""
    for start in ("次日", "当日"):
        for offset in range(0, 4 * 365, 3):
            day = date(2023, 1, 1) + timedelta(days=offset)
            moment = datetime(day.year, day.month, day.day, 10, tzinfo=TZ)
            previous = None
            for n in range(1, 16):
                found = compute(moment, rule(n, "工作日", start=start), CAL, TZ).last_day
                assert found is not None and CAL.is_workday(found)
                assert found >= day and (previous is None or found > previous)
                # counting back as many working days never passes the start
                assert shift_workdays(CAL, found, -n)[0] <= day
                previous = found


def test_natural_day_rules_never_end_on_a_day_off_when_they_roll() -> None:
    for offset in range(0, 4 * 365, 7):
        day = date(2023, 1, 1) + timedelta(days=offset)
        moment = datetime(day.year, day.month, day.day, 10, tzinfo=TZ)
        for amount in (1, 15, 30, 60):
            found = compute(moment, rule(amount, "自然日"), CAL, TZ)
            assert found.last_day is not None and CAL.is_workday(found.last_day)
            assert found.last_day >= day + timedelta(days=amount)


def test_workday_answer_explains_holidays_and_in_lieu_days() -> None:
    lines = workday_answer(CAL, date(2023, 9, 27), 5)
    assert lines[0] == "2023-09-27（星期三）后第 5 个工作日：2023-10-10（星期二）"
    assert "2023-09-29（中秋节）" in lines[1]
    assert lines[2] == "其间周末调休上班：2023-10-07、2023-10-08"
    with pytest.raises(UserError):
        workday_answer(CAL, date(2023, 9, 27), -1)


def test_every_rule_the_code_names_is_in_the_committed_table() -> None:
    from models.supervision.plan import LADDER
    from models.supervision.records import CADENCES

    named = {*CADENCES.values(), *LADDER.values(), "supervision.sign", "supervision.due_soon"}
    assert named <= {rule_id for rule_id, _ in RULES.items()}
    assert all(r.source and (r.clause or r.local) for _, r in RULES.items())


def test_a_config_overrides_one_field_of_a_rule_and_keeps_the_rest() -> None:
    from bot.app import parse_config

    config = parse_config({"rules": {"hotline.handle": {"amount": 3}}}, env={})
    handle = config.rules["hotline.handle"]
    assert (handle.amount, handle.unit, handle.extension_max) == (3, "工作日", 10)
    assert config.rules["petition.forward"].amount == 15  # untouched rules keep their value
    with pytest.raises(ConfigError, match=re.escape("rules.hotline.handle.unit")):
        parse_config({"rules": {"hotline.handle": {"unit": "周"}}}, env={})

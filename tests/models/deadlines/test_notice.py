"""Reading the State Council's holiday notice: the published 2023–2026 texts agree with
chinese-calendar on every day of their year; a text not read fully is refused with its line."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from models.deadlines.notice import NoticeError, parse

NOTICES = Path(__file__).parent / "notices"


def text(year: int) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_every_day_of_the_year_agrees_with_chinese_calendar(year: int) -> None:
    notice = parse(text(year))
    assert notice.year == year and str(year) in notice.title
    day, disagree = date(year, 1, 1), []
    while day.year == year:
        working = day in notice.work or (day.weekday() < 5 and day not in notice.off)
        if working != chinese_calendar.is_workday(day):
            disagree.append(day)
        day += timedelta(days=1)
    assert disagree == []


def test_new_year_from_the_previous_december_and_names() -> None:
    notice = parse(text(2023))
    assert notice.off[date(2022, 12, 31)] == "元旦"
    assert notice.off[date(2023, 10, 6)] == "中秋节、国庆节"
    assert notice.work == {
        date(2023, 1, 28), date(2023, 1, 29), date(2023, 4, 23), date(2023, 5, 6),
        date(2023, 6, 25), date(2023, 10, 7), date(2023, 10, 8),
    }  # fmt: skip
    # 2024 encourages a day off on 除夕 (2月9日) without granting it.
    assert date(2024, 2, 9) not in parse(text(2024)).off


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("共8天。1月26日", "共9天。1月26日", "写明的天数"),
        ("1月28日（农历除夕、周二）", "1月28日（农历除夕、周三）", "不是周三"),
        ("4月27日（周日）上班", "4月28日上班", "不是周末"),
        ("放假1天，不调休", "放假1天，视情况调休", "不认识的说明"),
        (
            "三、清明节：4月4日（周五）至6日（周日）放假，共3天。",
            "三、清明节：另行通知。",
            "既不是放假",
        ),
        ("2月4日（农历正月初七、周二）", "2月30日", "不存在"),
    ],
)
def test_a_line_not_read_fully_is_refused_with_that_line(old: str, new: str, why: str) -> None:
    broken = text(2025).replace(old, new)
    assert broken != text(2025)
    with pytest.raises(NoticeError, match=why) as caught:
        parse(broken)
    line = next(n for n, ln in enumerate(broken.splitlines(), 1) if new.split("。")[0] in ln)
    assert f"第 {line} 行" in str(caught.value) and "未导入任何日期" in str(caught.value)


def test_a_notice_missing_a_holiday_or_its_year_is_refused() -> None:
    without = "\n".join(ln for ln in text(2026).splitlines() if not ln.startswith("五、端午节"))
    with pytest.raises(NoticeError, match="缺少：端午"):
        parse(without)
    with pytest.raises(NoticeError, match="找不到通知的年份"):
        parse("一、元旦：1月1日放假，与周末连休。")


def test_a_day_both_off_and_working_is_refused() -> None:
    clash = text(2026).replace("1月4日（周日）上班", "1月3日（周六）上班")
    with pytest.raises(NoticeError, match="2026-01-03 既写作放假又写作上班"):
        parse(clash)

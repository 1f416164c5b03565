"""The 时间 of a duty-log entry read as a moment, and the 续报 schedule of a level."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.core.clock import LocalTime
from models.duty.incident import next_followup
from models.duty.log import read_time
from models.duty.settings import DutyConfig, IncidentLimit

TZ = LocalTime("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 1, 40, tzinfo=UTC)  # 09:40 local


def local(text: str) -> str:
    return TZ.fmt(read_time(text, NOW, TZ))


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("9:30", "2026-11-26 09:30"),
        ("时间=9:30", "2026-11-26 09:30"),
        ("接报：9：30", "2026-11-26 09:30"),
        ("9点30分", "2026-11-26 09:30"),
        ("9点", "2026-11-26 09:00"),
        ("19:30", "2026-11-25 19:30"),  # later than now: yesterday's
        ("昨天 23:50", "2026-11-25 23:50"),
        ("今天9:40", "2026-11-26 09:40"),
        ("11-25 9:30", "2026-11-25 09:30"),
        ("2026-11-20 08:05", "2026-11-20 08:05"),
    ],
)
def test_times_people_write(text: str, moment: str) -> None:
    assert local(text) == moment


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("九点半", "无法识别"),
        ("24:10", "不是有效时刻"),
        ("明天 9:00", "还没到"),
        ("今天 10:00", "还没到"),
        ("后年 9:00", "日期无法识别"),
    ],
)
def test_bad_times_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_time(text, NOW, TZ)


def _config(**limit: object) -> DutyConfig:
    return DutyConfig(
        incident_limits={"较大": IncidentLimit(written_minutes=60, source="测试", **limit)}
    )


def test_fixed_follow_up_times_skip_one_too_close() -> None:
    cfg = _config(followup_times=(time(8, 0), time(17, 0)))
    shanghai = ZoneInfo("Asia/Shanghai")
    at = next_followup(cfg, "较大", NOW, shanghai)  # 09:40 → 17:00
    assert at is not None and TZ.fmt(at) == "2026-11-26 17:00"
    late = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)  # 16:30: under an hour before 17:00
    at = next_followup(cfg, "较大", late, shanghai)
    assert at is not None and TZ.fmt(at) == "2026-11-27 08:00"
    night = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # 23:00 → 08:00 next day
    at = next_followup(cfg, "较大", night, shanghai)
    assert at is not None and TZ.fmt(at) == "2026-11-27 08:00"


def test_rolling_follow_ups_and_none() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    at = next_followup(_config(followup_hours=4), "较大", NOW, shanghai)
    assert at is not None and TZ.fmt(at) == "2026-11-26 13:40"
    assert next_followup(_config(), "较大", NOW, shanghai) is None


def test_a_level_takes_one_follow_up_rule_only() -> None:
    with pytest.raises(ValueError, match="续报时限请只写一种"):
        IncidentLimit(
            written_minutes=60, source="测试", followup_hours=4, followup_times=(time(8, 0),)
        )

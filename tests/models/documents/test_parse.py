"""Reading 文号, 紧急程度, 收文 time and months as people type them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from bot.core.clock import LocalTime
from bot.core.errors import UserError
from models.documents import parse
from models.documents.settings import DocumentsConfig
from models.documents.stats import parse_month

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # 09:00 in Asia/Shanghai
TZ = LocalTime("Asia/Shanghai")


@pytest.mark.parametrize(
    ("typed", "standard"),
    [
        ("〔2026〕12号", "〔2026〕12号"),
        ("县政办发[2026]12号", "县政办发〔2026〕12号"),
        ("县政办发【2026】第012号", "县政办发〔2026〕12号"),
        ("县政办发（2026）12号", "县政办发〔2026〕12号"),
        ("县政办发 ［２０２６］ 12 号", "县政办发〔2026〕12号"),  # full-width digits and spaces
        ("国办函(2026)3", "国办函〔2026〕3号"),
        ("无", ""),
    ],
)
def test_common_number_variants_are_written_the_standard_way(typed: str, standard: str) -> None:
    assert parse.number(typed, 2026) == standard


@pytest.mark.parametrize("typed", ["2026-12", "〔26〕12号", "〔2026〕号", "12号", "〔1900〕1号"])
def test_a_number_that_is_not_one_says_how_to_write_it(typed: str) -> None:
    with pytest.raises(UserError, match="〔2026〕12号"):
        parse.number(typed, 2026)


def test_received_time_is_now_a_clock_time_or_a_date_and_time_not_in_the_future() -> None:
    assert parse.received("", NOW, TZ) == NOW
    assert parse.received("08:30", NOW, TZ) == datetime(2026, 11, 26, 0, 30, tzinfo=UTC)
    assert parse.received("昨天 17:45", NOW, TZ) == datetime(2026, 11, 25, 9, 45, tzinfo=UTC)
    for bad, said in {"10:00": "还没到", "明天 08:00": "还没到", "24:00": "须写到时刻"}.items():
        with pytest.raises(UserError, match=said):
            parse.received(bad, NOW, TZ)


def test_urgency_kind_and_mode() -> None:
    assert parse.urgency("") == "平件" and parse.urgency("特急") == "特急"
    assert parse.kind("函") == "函" and parse.mode("办件") == "办件"
    for call, value in ((parse.urgency, "急"), (parse.kind, "公函"), (parse.mode, "看看")):
        with pytest.raises(UserError):
            call(value)


def test_secrecy_level_must_be_allowed_and_no_marking_or_star_passes() -> None:
    allowed = ("非密",)
    assert parse.refuse_classified(allowed, "机要室", "", "关于防汛的通知") == "非密"
    for level, text in [("内部", "x"), ("机密", "x"), ("", "机密★10年"), ("", "★"), ("", "☆")]:
        with pytest.raises(UserError, match="机要室"):
            parse.refuse_classified(allowed, "机要室", level, text)


def test_months() -> None:
    today = date(2026, 11, 26)
    assert parse_month("", today) == date(2026, 11, 1)
    assert parse_month("2026-11", today) == parse_month("2026年11月", today) == date(2026, 11, 1)
    assert parse_month("3月", today) == date(2026, 3, 1)
    for bad in ("13月", "2026-00", "下个月", "3026-01"):
        with pytest.raises(UserError):
            parse_month(bad, today)


def test_the_config_cannot_allow_a_state_secret_level() -> None:
    assert DocumentsConfig(secrecy_allowed=("非密", "内部")).secrecy_allowed == ("非密", "内部")
    for bad in (("非密", "秘密"), ("機密",), ()):
        with pytest.raises(ValidationError):
            DocumentsConfig(secrecy_allowed=bad)

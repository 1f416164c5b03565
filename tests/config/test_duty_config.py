"""The duty config section: committed defaults load, and mistakes name the key and the fix."""

from __future__ import annotations

import pytest

from bot.app import load_config, parse_config
from bot.config import DEFAULT_CONFIG, ConfigError
from models.duty.settings import DUTY


def test_committed_duty_section_loads() -> None:
    duty = DUTY.of(load_config(DEFAULT_CONFIG, env={}))
    assert [s.name for s in duty.shifts] == ["全天", "白班", "夜班"]
    assert set(duty.incident_limits) == {"一般", "较大", "重大", "特别重大"}
    assert all(limit.source for limit in duty.incident_limits.values())
    assert len(duty.triage.categories) == 9  # 城乡火灾 apart from 安全生产


@pytest.mark.parametrize(
    ("duty", "message"),
    [
        (
            {"staffing": {"holiday": {"shifts": ["早班"]}}},
            "staffing.holiday 用到未定义的班次 早班",
        ),
        ({"rollcall": {"windows": ["11:30-09:00"]}}, "「11:30-09:00」应为 HH:MM-HH:MM"),
        (
            {"incident_limits": {"很大": {"written_minutes": 60, "source": "x"}}},
            "duty.incident_limits",
        ),
        ({"triage": {"notify_level": "中等"}}, "duty.triage.notify_level"),
    ],
)
def test_mistakes_are_named(duty: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config({"duty": duty}, env={})


CALL = {"voice": {"templates": {"call": {"id": "1", "params": ["unit", "minutes"]}}}}


def _escalation(**ladders: object) -> dict[str, object]:
    return {"platforms": CALL, "duty": {"escalation": ladders}}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (  # 「unit」 is a 县级查岗's value, not a check-in's
            _escalation(checkin=[{"after_minutes": 5, "by": "voice", "template": "call"}]),
            r"duty.escalation.checkin：模板参数 unit 无法填写，可用 names、shift、start、minutes",
        ),
        (
            _escalation(rollcall=[{"after_minutes": 5, "by": "sms", "template": "call"}]),
            "duty.escalation.rollcall：platforms.sms.templates 中没有「call」",
        ),
        (
            _escalation(
                unitcheck=[
                    {"after_minutes": 10, "by": "voice", "template": "call"},
                    {"after_minutes": 5, "by": "voice", "template": "call"},
                ]
            ),
            "duty.escalation.unitcheck：after_minutes 须递增",
        ),
        (_escalation(quiet_ladders=["broadcast"]), "quiet_ladders"),
    ],
)
def test_a_bad_duty_ladder_stops_start_up(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(data, env={})


def test_a_duty_ladder_with_its_templates_loads() -> None:
    step = {"after_minutes": 10, "by": "voice", "template": "call", "to": "duty_leader"}
    config = parse_config(_escalation(unitcheck=[step], quiet_ladders=["unitcheck"]), env={})
    escalation = DUTY.of(config).escalation
    assert escalation.unitcheck[0].to == "duty_leader"
    assert escalation.quiet_for("rollcall") == () and escalation.quiet_ladders == ("unitcheck",)

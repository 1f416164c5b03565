"""The broadcast config section: levels complete, roster roles known, errors name the key."""

from __future__ import annotations

import pytest

from bot.app import load_config, parse_config
from bot.config import ConfigError
from models.broadcast.settings import BROADCAST


def test_committed_config_names_rosters_and_levels() -> None:
    config = load_config(env={})
    assert set(BROADCAST.of(config).levels) == {"red", "orange", "yellow", "blue"}
    assert BROADCAST.of(config).channels["防汛"].roles == ("leader",)
    assert set(BROADCAST.of(config).channels) <= set(config.channels)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            {"channels": {"防汛": {"roles": ["boss"]}}},
            "broadcast.channels.防汛.roles：未知角色「boss」",
        ),
        ({"levels": {"red": {"renotify_minutes": 5, "max_renotify": 1}}}, "缺少级别 orange"),
        ({"levels": {"purple": {"renotify_minutes": 5, "max_renotify": 1}}}, "broadcast.levels"),
        ({"summary_delay_seconds": 0}, "broadcast.summary_delay_seconds"),
    ],
)
def test_bad_broadcast_config_names_the_key(section: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"broadcast": section}, env={})
    assert message in str(caught.value)


def test_roster_for_an_unknown_channel_is_an_error() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"broadcast": {"channels": {"防讯": {"orgs": ["县水利局"]}}}}, env={})
    assert "broadcast.channels 中的 防讯 不在 channels 列表中" in str(caught.value)


def test_roster_roles_accept_chinese_names() -> None:
    config = parse_config({"broadcast": {"channels": {"全体": {"roles": ["带班领导"]}}}}, env={})
    assert BROADCAST.of(config).channels["全体"].roles == ("leader",)


SMS = {"sms": {"templates": {"red": {"id": "1", "params": ["level", "title"]}}}}


def _ladder(*steps: dict[str, object], **more: object) -> dict[str, object]:
    return {
        "platforms": SMS,
        "broadcast": {"escalation": {"ladders": {"red": list(steps)}, **more}},
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_ladder({"after_minutes": 5, "by": "voice", "template": "red"}), "platforms.voice"),
        (
            {
                "platforms": {"sms": {"templates": {"red": {"id": "1", "params": ["name"]}}}},
                "broadcast": {
                    "escalation": {
                        "ladders": {"red": [{"after_minutes": 5, "by": "sms", "template": "red"}]}
                    }
                },
            },
            "模板参数 name 无法填写",
        ),
        (
            _ladder(
                {"after_minutes": 10, "by": "sms", "template": "red"},
                {"after_minutes": 5, "by": "sms", "template": "red"},
            ),
            "after_minutes 须递增",
        ),
        (
            _ladder({"after_minutes": 5, "by": "sms", "template": "red"}, quiet_hours=["22:00"]),
            "quiet_hours",
        ),
        (_ladder({"after_minutes": 5, "by": "fax", "template": "red"}), "by"),
    ],
)
def test_a_bad_ladder_stops_start_up(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(data, env={})


def test_a_ladder_with_its_templates_loads() -> None:
    config = parse_config(_ladder({"after_minutes": 5, "by": "sms", "template": "red"}), env={})
    (step,) = BROADCAST.of(config).escalation.ladders["red"]
    assert (step.by, step.to) == ("sms", "recipients")

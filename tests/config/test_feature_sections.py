"""Feature sections: the kernel names no feature; the composition root claims every one and has
them all validated on loading."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import config as kernel
from bot.app import SECTIONS, parse_config
from bot.config import ConfigError, FeatureSection
from models.broadcast.settings import BROADCAST, BroadcastConfig
from models.deadlines.settings import SupervisionConfig
from models.duty.settings import DUTY, DutyConfig

ROOT = Path(__file__).resolve().parents[2]


def test_the_kernel_alone_refuses_a_feature_key() -> None:
    with pytest.raises(ConfigError, match="duty：未知配置项"):
        kernel.parse_config({"duty": {}}, env={})
    config = parse_config({"duty": {"swap_needs_leader": False}}, env={})
    assert DUTY.of(config).swap_needs_leader is False


def test_a_section_is_validated_once_and_left_out_means_defaults() -> None:
    config = parse_config({"duty": {"dialog_minutes": 5}}, env={})
    assert DUTY.of(config) is DUTY.of(config)
    assert DUTY.of(config).dialog_minutes == 5
    assert DUTY.of(kernel.parse_config({}, env={})) == DutyConfig()


def test_every_error_of_every_section_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(
            {
                "outbox": {"max_attempts": 0},
                "duty": {"rollcall": {"windows": ["11:30-09:00"]}},
                "supervision": {"push_hour": 24},
            },
            env={},
        )
    lines = str(caught.value).splitlines()[1:]
    assert [line.split("：")[0] for line in lines] == [
        "  - outbox.max_attempts",
        "  - duty.rollcall.windows",
        "  - supervision.push_hour",
    ]


def test_a_feature_checks_itself_against_the_kernel_of_the_same_file() -> None:
    roster = {"防讯": {"orgs": ["县水利局"]}}
    data = {"channels": ["全体", "防讯"], "broadcast": {"channels": roster}}
    config = parse_config(data, env={})
    assert BROADCAST.of(config).channels["防讯"].orgs == ("县水利局",)
    # Validated on its own there are no channels to check against.
    assert BroadcastConfig.model_validate({"channels": roster}).channels["防讯"].orgs


def test_keys_are_claimed_once() -> None:
    with pytest.raises(ValueError, match="重名"):
        kernel.parse_config({}, env={}, features=[FeatureSection("outbox", DutyConfig)])
    with pytest.raises(ValueError, match="重名"):
        kernel.parse_config({}, env={}, features=[*SECTIONS, DUTY])
    with pytest.raises(TypeError, match="同用键 'duty'"):
        FeatureSection("duty", SupervisionConfig).of(parse_config({}, env={}))


def test_importing_the_kernel_config_loads_no_feature() -> None:
    probe = (
        "import sys, bot.config\n"
        "print(sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('models', 'handlers', 'schedules') or m == 'bot.app'))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"

"""build_adapters constructs the WeCom, DingTalk and Feishu adapters from config and environment,
and names the missing setting or variable when it cannot."""

from __future__ import annotations

import pytest

from bot.adapters.dingtalk import DingTalkAdapter
from bot.adapters.feishu import FeishuAdapter
from bot.adapters.wecom import WeComAdapter
from bot.app import build_adapters
from bot.cli.doctor import PLATFORM_ENV
from bot.config import Config, ConfigError
from bot.http.server import HttpServer
from bot.testing.dingtalk import ENV as DINGTALK_ENV
from bot.testing.feishu import ENV as FEISHU_ENV
from bot.testing.wecom import ENV as WECOM_ENV
from tests.conftest import make_config

SECTIONS = {"wecom": {"agent_id": 1000002}, "dingtalk": {}, "feishu": {}}


def _config(sqlite_url: str, http: bool = True, **sections: dict[str, object]) -> Config:
    platforms = {name: {"enabled": True, **cfg} for name, cfg in sections.items()}
    return make_config(sqlite_url, platforms=platforms, http={"enabled": http})


def test_all_three_are_built_from_the_environment(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {**WECOM_ENV, **DINGTALK_ENV, **FEISHU_ENV}.items():
        monkeypatch.setenv(name, value)
    config = _config(sqlite_url, **SECTIONS, console={"enabled": False})
    adapters = build_adapters(config, HttpServer(port=0))
    assert isinstance(adapters["wecom"], WeComAdapter)
    assert isinstance(adapters["dingtalk"], DingTalkAdapter)
    assert isinstance(adapters["feishu"], FeishuAdapter)
    assert set(adapters) == {"wecom", "dingtalk", "feishu"}


@pytest.mark.parametrize("platform", ["wecom", "dingtalk", "feishu"])
def test_each_variable_doctor_checks_is_required(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    env = {"wecom": WECOM_ENV, "dingtalk": DINGTALK_ENV, "feishu": FEISHU_ENV}[platform]
    config = _config(sqlite_url, **{platform: SECTIONS[platform]})
    for missing in PLATFORM_ENV[platform]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv(missing)
        with pytest.raises(ConfigError, match=missing):
            build_adapters(config, HttpServer(port=0))


def test_callbacks_need_http_and_wecom_needs_an_agent_id(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in WECOM_ENV.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=r"http\.enabled"):
        build_adapters(_config(sqlite_url, http=False, wecom=SECTIONS["wecom"]), None)
    with pytest.raises(ConfigError, match="agent_id"):
        build_adapters(_config(sqlite_url, wecom={}), HttpServer(port=0))
    monkeypatch.setenv("DUTYBOT_WECOM_AES_KEY", "short")
    with pytest.raises(ConfigError, match="43"):
        build_adapters(_config(sqlite_url, wecom=SECTIONS["wecom"]), HttpServer())


def test_robot_secrets_come_from_the_environment(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in DINGTALK_ENV.items():
        monkeypatch.setenv(name, value)
    config = _config(sqlite_url, dingtalk={"robots": {"森林防火群": "FOREST"}})
    with pytest.raises(ConfigError, match=r"DUTYBOT_DINGTALK_ROBOT_FOREST_TOKEN.*森林防火群"):
        build_adapters(config, HttpServer(port=0))
    with pytest.raises(ConfigError, match="robots"):
        _config(sqlite_url, dingtalk={"robots": {"森林防火群": "forest-lower"}})

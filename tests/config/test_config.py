"""Configuration: defaults load; every error names the key and the expected form."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import load_config, parse_config
from bot.config import ConfigError


def test_committed_defaults_load() -> None:
    config = load_config(env={})
    assert config.timezone == "Asia/Shanghai"
    assert config.database.url == "sqlite+aiosqlite:///data/dutybot.db"
    assert config.platforms.console.enabled and not config.platforms.telegram.enabled
    assert "防汛" in config.channels


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"databse": {}}, "databse：未知配置项"),
        ({"platforms": {"telegram": {"token": "123:abc"}}}, "DUTYBOT_TELEGRAM_TOKEN"),
        ({"timezone": "Mars/Olympus"}, "timezone：应为 IANA 时区名"),
        ({"database": {"url": "mysql://x"}}, "database.url：应以 sqlite+aiosqlite://"),
        ({"outbox": {"max_attempts": 0}}, "outbox.max_attempts"),
        ({"audit": {"retention_days": 200}}, "audit.retention_months: 6"),
        ({"audit": {"retention_months": 5}}, "audit.retention_months：审计日志至少保存 6 个月"),
        ({"http": {"port": "eighty"}}, "http.port"),
        (  # an origin, not a URL: a path would match nothing
            {"platforms": {"dingtalk": {"session_webhook_origins": ["https://x.cn/robot"]}}},
            "platforms.dingtalk.session_webhook_origins.0",
        ),
        (  # longer than any window a sighting outlives
            {"platforms": {"wecom": {"callback_window_seconds": 7200}}},
            "platforms.wecom.callback_window_seconds",
        ),
        ({"platforms": {"feishu": {"max_body_kb": 4}}}, "platforms.feishu.max_body_kb"),
        (  # a government host is still https, unless a test sets allow_plain_http
            {"platforms": {"wecom": {"api_base": "http://zwwx.example.gov.cn"}}},
            "platforms.wecom.api_base：须使用 https://",
        ),
        (
            {"platforms": {"dingtalk": {"oapi_base": "https://oapi.example.gov.cn/?k=1"}}},
            "platforms.dingtalk.oapi_base：只写协议、主机和端口",
        ),
        (
            {"platforms": {"dingtalk": {"api_base": "https://zwding_api.example.gov.cn"}}},
            "platforms.dingtalk.api_base：主机名或端口不合法",
        ),
        (
            {"platforms": {"dingtalk": {"session_webhook_origins": ["http://10.1.2.3:8080"]}}},
            "platforms.dingtalk.session_webhook_origins",
        ),
        (
            {"calendar": {"overrides": {2027: {"holidays": ["2027-13-01"]}}}},
            "calendar.overrides.2027.holidays.0",
        ),
    ],
)
def test_errors_name_the_key(data: dict[str, object], expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(data, env={})
    assert expected in str(caught.value)


def test_government_hosts_load_and_plain_http_is_for_tests_only() -> None:
    platforms = {
        "wecom": {"api_base": "https://10.8.1.2:8443/zwwx/"},
        "dingtalk": {
            "api_base": "https://api.zwding.example.gov.cn",
            "oapi_base": "https://oapi.zwding.example.gov.cn",
            "session_webhook_origins": ["https://oapi.zwding.example.gov.cn"],
        },
    }
    config = parse_config({"platforms": platforms}, env={})
    assert config.platforms.wecom.api_base == "https://10.8.1.2:8443/zwwx"  # private: allowed
    assert config.platforms.dingtalk.session_webhook_origins == (
        "https://oapi.zwding.example.gov.cn",
    )
    local = {"allow_plain_http": True, "api_base": "http://127.0.0.1:9"}
    assert parse_config({"platforms": {"wecom": local}}, env={}).platforms.wecom.api_base


def test_audit_retention_is_counted_in_months_and_can_be_raised() -> None:
    assert load_config(env={}).audit.retention_months == 6
    assert parse_config({"audit": {"retention_months": 12}}, env={}).audit.retention_months == 12


def test_secrets_and_url_come_from_the_environment() -> None:
    config = parse_config({}, env={"DUTYBOT_DATABASE_URL": "postgresql+asyncpg://u@h/db"})
    assert config.database.url == "postgresql+asyncpg://u@h/db"


def test_file_problems_are_reported_cleanly(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="找不到配置文件"):
        load_config(tmp_path / "missing.yaml", env={})
    broken = tmp_path / "broken.yaml"
    broken.write_text("timezone: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="不是合法的 YAML"):
        load_config(broken, env={})
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="顶层应为键值映射"):
        load_config(listed, env={})


def test_a_stale_threshold_under_two_beats_is_refused() -> None:
    """One slow beat must not make a live instance look dead (its claims taken over)."""
    with pytest.raises(ConfigError) as caught:
        parse_config({"instances": {"beat_seconds": 3, "stale_seconds": 4}}, env={})
    assert "instances" in str(caught.value) and "两倍" in str(caught.value)
    config = load_config(env={})
    assert (config.instances.beat_seconds, config.instances.stale_seconds) == (2.0, 6.0)

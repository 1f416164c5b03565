"""Configuration: committed defaults in config.yaml, secrets only from DUTYBOT_* variables."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.config.base import (
    ConfigError,
    EnvSuffix,
    NonNegativeFloat,
    PositiveFloat,
    PositiveInt,
    Section,
)
from bot.config.features import (
    BroadcastConfig,
    BroadcastLevel,
    BroadcastRoster,
    CasualtyThresholds,
    DutyConfig,
    IncidentLimit,
    PetitionsConfig,
    PlanConfig,
    ProposalsConfig,
    RollCallConfig,
    ShiftDef,
    StaffingConfig,
    StaffingDay,
    SupervisionConfig,
    TicketsConfig,
    TriageConfig,
)
from bot.config.platforms import (
    ConsoleConfig,
    DingTalkConfig,
    FeishuConfig,
    PlatformConfig,
    PlatformsConfig,
    RateLimit,
    TelegramConfig,
    WebhookPlatformConfig,
    WeComConfig,
)
from bot.config.rules import RuleTable

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


class DatabaseConfig(Section):
    url: str = "sqlite+aiosqlite:///data/dutybot.db"
    echo: bool = False
    sqlite_driver: Literal["inline", "thread"] = "inline"
    checkpoint_seconds: PositiveFloat = 2.0

    @field_validator("url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "应以 sqlite+aiosqlite:// 或 postgresql+asyncpg:// 开头，"
                "例如 sqlite+aiosqlite:///data/dutybot.db"
            )
        return value


class HttpConfig(Section):
    enabled: bool = False
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8080


class BindConfig(Section):
    code_ttl_hours: PositiveInt = 24
    max_failures: PositiveInt = 5
    failure_window_minutes: PositiveInt = 15


class OutboxConfig(Section):
    poll_seconds: PositiveFloat = 1.0
    batch_size: PositiveInt = 100
    lease_seconds: PositiveInt = 120
    backoff_base_seconds: PositiveFloat = 2.0
    backoff_max_seconds: PositiveFloat = 600.0
    max_attempts: PositiveInt = 8
    button_keep_days: PositiveInt = 90
    send_concurrency: PositiveInt = 8
    wait_in_place_seconds: NonNegativeFloat = 5.0
    max_image_mb: PositiveFloat = 10.0
    max_file_mb: PositiveFloat = 20.0
    file_keep_days: PositiveInt = 7


class SchedulerConfig(Section):
    due_scan_seconds: PositiveFloat = 2.0
    batch_size: PositiveInt = 200
    lease_seconds: PositiveInt = 120
    late_after_seconds: PositiveInt = 60
    max_attempts: PositiveInt = 5
    cron_catch_up_hours: PositiveInt = 24


class AuditConfig(Section):
    retention_days: Annotated[int, Field(ge=180)] = 180


class InboxConfig(Section):
    keep_days: PositiveInt = 30


class YearOverride(Section):
    """One year's 调休 as published by the State Council: days off and working weekend days."""

    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()


class CalendarConfig(Section):
    overrides: dict[int, YearOverride] = {}
    library_until: int | None = None  # drills and tests: chinese-calendar's years up to this one


class Config(Section):
    """The whole configuration."""

    timezone: str = "Asia/Shanghai"
    data_dir: str = "data"
    database: DatabaseConfig = DatabaseConfig()
    platforms: PlatformsConfig = PlatformsConfig()
    http: HttpConfig = HttpConfig()
    bind: BindConfig = BindConfig()
    outbox: OutboxConfig = OutboxConfig()
    scheduler: SchedulerConfig = SchedulerConfig()
    audit: AuditConfig = AuditConfig()
    inbox: InboxConfig = InboxConfig()
    calendar: CalendarConfig = CalendarConfig()
    duty: DutyConfig = DutyConfig()
    rules: RuleTable = Field(default_factory=RuleTable.committed)
    supervision: SupervisionConfig = SupervisionConfig()
    proposals: ProposalsConfig = ProposalsConfig()
    petitions: PetitionsConfig = PetitionsConfig()
    tickets: TicketsConfig = TicketsConfig()
    channels: tuple[str, ...] = ("全体",)
    broadcast: BroadcastConfig = BroadcastConfig()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("应为 IANA 时区名，例如 Asia/Shanghai") from None
        return value

    @model_validator(mode="after")
    def _rosters_for_known_channels(self) -> Config:
        unknown = [c for c in self.broadcast.channels if c not in self.channels]
        if unknown:
            raise ValueError(f"broadcast.channels 中的 {'、'.join(unknown)} 不在 channels 列表中")
        return self

    @field_validator("channels")
    @classmethod
    def _channels_nonempty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or any(not c.strip() for c in value):
            raise ValueError("应为非空的频道名列表，例如 [全体, 防汛]")
        return value


# Environment variables that override a config key (secrets live only here).
ENV_OVERRIDES: dict[str, tuple[str, ...]] = {
    "DUTYBOT_DATABASE_URL": ("database", "url"),
}
SECRET_HINTS = {
    "token": "DUTYBOT_TELEGRAM_TOKEN",
    "secret": "DUTYBOT_<平台>_SECRET",
    "password": "DUTYBOT_DATABASE_URL",
}


def _describe(error: dict[str, Any]) -> str:
    key = ".".join(str(p) for p in error["loc"]) or "(根)"
    kind = error["type"]
    if kind == "extra_forbidden":
        leaf = str(error["loc"][-1]).lower()
        hint = next((env for word, env in SECRET_HINTS.items() if word in leaf), None)
        if hint:
            return f"{key}：密钥不能写在配置文件里，请改用环境变量 {hint}"
        return f"{key}：未知配置项，请检查拼写或删除"
    if kind == "missing":
        return f"{key}：缺少必填项"
    expected = error.get("ctx", {}).get("expected")
    msg = str(error["msg"]).removeprefix("Value error, ")
    return f"{key}：{msg}" + (f"（应为 {expected}）" if expected else "")


def parse_config(data: dict[str, Any], env: dict[str, str] | None = None) -> Config:
    """Validate a mapping (plus environment overrides) into a Config.

    Raises:
        ConfigError: naming each bad key and what it should be.
    """
    env = dict(os.environ) if env is None else env
    merged: dict[str, Any] = dict(data)
    for var, path in ENV_OVERRIDES.items():
        if env.get(var):
            node = merged
            for part in path[:-1]:
                node[part] = dict(node.get(part) or {})
                node = node[part]
            node[path[-1]] = env[var]
    try:
        return Config.model_validate(merged)
    except ValidationError as exc:
        lines = [_describe(dict(e)) for e in exc.errors()]
        raise ConfigError("配置有误：\n" + "\n".join(f"  - {line}" for line in lines)) from None


def load_config(path: str | Path | None = None, env: dict[str, str] | None = None) -> Config:
    """Load ``path`` (default: $DUTYBOT_CONFIG, else the committed config.yaml)."""
    env = dict(os.environ) if env is None else env
    chosen = Path(path or env.get("DUTYBOT_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = yaml.safe_load(chosen.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(
            f"找不到配置文件 {chosen}，请用 --config 指定或设置 DUTYBOT_CONFIG"
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"配置文件 {chosen} 不是合法的 YAML：{exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"配置文件 {chosen} 顶层应为键值映射")
    return parse_config(raw, env)


__all__ = [
    "DEFAULT_CONFIG",
    "SECRET_HINTS",
    "AuditConfig",
    "BindConfig",
    "BroadcastConfig",
    "BroadcastLevel",
    "BroadcastRoster",
    "CalendarConfig",
    "CasualtyThresholds",
    "Config",
    "ConfigError",
    "ConsoleConfig",
    "DatabaseConfig",
    "DingTalkConfig",
    "DutyConfig",
    "EnvSuffix",
    "FeishuConfig",
    "HttpConfig",
    "InboxConfig",
    "IncidentLimit",
    "OutboxConfig",
    "PetitionsConfig",
    "PlanConfig",
    "PlatformConfig",
    "PlatformsConfig",
    "PositiveFloat",
    "PositiveInt",
    "ProposalsConfig",
    "RateLimit",
    "RollCallConfig",
    "SchedulerConfig",
    "Section",
    "ShiftDef",
    "StaffingConfig",
    "StaffingDay",
    "SupervisionConfig",
    "TelegramConfig",
    "TicketsConfig",
    "TriageConfig",
    "WeComConfig",
    "WebhookPlatformConfig",
    "YearOverride",
    "_describe",
    "load_config",
    "parse_config",
]

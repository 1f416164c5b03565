"""Configuration: committed defaults in config.yaml, secrets only from DUTYBOT_* variables.

The kernel validates its own sections (database, platforms, outbox …). Each feature declares
its section as a :class:`FeatureSection` in its own settings module; the composition root lists
them all and :func:`parse_config` validates them together with the kernel's, so a mistake in
any section is reported at start-up, naming its key. The kernel never names a feature.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from bot.config.base import (
    ConfigError,
    EnvSuffix,
    NonNegativeFloat,
    PositiveFloat,
    PositiveInt,
    Section,
    load_yaml,
)
from bot.config.platforms import (
    ConsoleConfig,
    DingTalkConfig,
    FeishuConfig,
    PhoneTemplate,
    PlatformConfig,
    PlatformsConfig,
    RateLimit,
    SmsConfig,
    TelegramConfig,
    VoiceConfig,
    WebhookPlatformConfig,
    WebhookTarget,
    WeComConfig,
)
from bot.config.rules import RuleTable
from bot.config.sections import (
    AuditConfig,
    BindConfig,
    DatabaseConfig,
    HttpConfig,
    InboxConfig,
    InstancesConfig,
    OutboxConfig,
    SchedulerConfig,
    WebConfig,
)

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"
S = TypeVar("S", bound=Section)
# The validation context key under which a feature section's validators find the kernel config.
_KERNEL = "config"


class Config(Section):
    """The kernel's own sections; each feature reads its own through :class:`FeatureSection`."""

    timezone: str = "Asia/Shanghai"
    data_dir: str = "data"
    database: DatabaseConfig = DatabaseConfig()
    platforms: PlatformsConfig = PlatformsConfig()
    http: HttpConfig = HttpConfig()
    web: WebConfig = WebConfig()
    bind: BindConfig = BindConfig()
    outbox: OutboxConfig = OutboxConfig()
    scheduler: SchedulerConfig = SchedulerConfig()
    instances: InstancesConfig = InstancesConfig()
    audit: AuditConfig = AuditConfig()
    inbox: InboxConfig = InboxConfig()
    rules: RuleTable = Field(default_factory=RuleTable.committed)
    channels: tuple[str, ...] = ("全体",)
    # Feature key → its section as parse_config validated it; a feature the file leaves out gets
    # its defaults on first read. Replaced, never changed in place: a model_copy keeps its own.
    _features: dict[str, Section] = PrivateAttr(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("应为 IANA 时区名，例如 Asia/Shanghai") from None
        return value

    @field_validator("channels")
    @classmethod
    def _channels_nonempty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or any(not c.strip() for c in value):
            raise ValueError("应为非空的频道名列表，例如 [全体, 防汛]")
        return value


class FeatureSection(Generic[S]):
    """A top-level key of config.yaml that a feature owns, with the feature's schema.

    Declared once in the feature's settings module, ``DUTY = FeatureSection("duty",
    DutyConfig)``, and read as ``DUTY.of(config).shifts``. The schema's validators may check
    the section against the kernel's sections through :func:`kernel_of`.
    """

    def __init__(self, key: str, schema: type[S]) -> None:
        self.key = key
        self.schema = schema

    def __repr__(self) -> str:
        return f"FeatureSection({self.key!r}, {self.schema.__name__})"

    def of(self, config: Config) -> S:
        """This feature's settings in ``config``: as parse_config validated them, or the
        defaults when the file has no such key."""
        found = config._features.get(self.key)
        if found is None:
            found = self.validate({}, config)
            config._features = {**config._features, self.key: found}
        if not isinstance(found, self.schema):
            raise TypeError(f"{self} 与另一功能配置节同用键 {self.key!r}")
        return found

    def validate(self, raw: Any, kernel: Config | None) -> S:
        """``raw`` as this section, checked against ``kernel`` when it is known.

        Raises:
            ValidationError: as pydantic reports it, locations inside the section.
        """
        context = None if kernel is None else {_KERNEL: kernel}
        return self.schema.model_validate(raw, context=context)


def kernel_of(info: ValidationInfo) -> Config | None:
    """The kernel config a feature section is being validated with; None when validated alone
    (or when the kernel's own sections are invalid: those errors are reported instead)."""
    context = info.context
    found = context.get(_KERNEL) if isinstance(context, dict) else None
    return found if isinstance(found, Config) else None


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


def _problems(exc: ValidationError, *prefix: str) -> list[str]:
    """One line per error, its location under ``prefix`` (a feature section's key)."""
    return [_describe({**dict(e), "loc": (*prefix, *e["loc"])}) for e in exc.errors()]


def parse_config(
    data: dict[str, Any],
    env: dict[str, str] | None = None,
    features: Iterable[FeatureSection[Any]] = (),
) -> Config:
    """Validate a mapping (plus environment overrides) into a Config.

    Args:
        data: The top-level mapping of a config file.
        env: The environment (the process's by default).
        features: The feature sections accepted besides the kernel's, each validated now;
            any other top-level key is refused.

    Raises:
        ConfigError: naming each bad key and what it should be.
        ValueError: two features claim one key, or a feature claims a kernel key.
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
    features = tuple(features)
    claimed = {feature.key: feature for feature in features}
    if len(claimed) < len(features) or claimed.keys() & Config.model_fields.keys():
        raise ValueError(f"功能配置节的键重复或与内核配置节重名：{features}")
    problems: list[str] = []
    config: Config | None = None
    try:
        config = Config.model_validate({k: v for k, v in merged.items() if k not in claimed})
    except ValidationError as exc:
        problems += _problems(exc)
    sections: dict[str, Section] = {}
    for key, feature in claimed.items():
        try:
            sections[key] = feature.validate(merged.get(key, {}), config)
        except ValidationError as exc:
            problems += _problems(exc, key)
    if problems or config is None:
        raise ConfigError("配置有误：\n" + "\n".join(f"  - {line}" for line in problems))
    config._features = sections
    return config


def load_config(
    path: str | Path | None = None,
    env: dict[str, str] | None = None,
    features: Iterable[FeatureSection[Any]] = (),
) -> Config:
    """Load ``path`` (default: $DUTYBOT_CONFIG, else the committed config.yaml).

    Raises:
        ConfigError: the file is missing or not YAML, or a key is bad (see parse_config).
    """
    env = dict(os.environ) if env is None else env
    chosen = Path(path or env.get("DUTYBOT_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = load_yaml(chosen.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(
            f"找不到配置文件 {chosen}，请用 --config 指定或设置 DUTYBOT_CONFIG"
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"配置文件 {chosen} 不是合法的 YAML：{exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"配置文件 {chosen} 顶层应为键值映射")
    return parse_config(raw, env, features)


__all__ = [
    "DEFAULT_CONFIG",
    "SECRET_HINTS",
    "AuditConfig",
    "BindConfig",
    "Config",
    "ConfigError",
    "ConsoleConfig",
    "DatabaseConfig",
    "DingTalkConfig",
    "EnvSuffix",
    "FeatureSection",
    "FeishuConfig",
    "HttpConfig",
    "InboxConfig",
    "InstancesConfig",
    "NonNegativeFloat",
    "OutboxConfig",
    "PhoneTemplate",
    "PlatformConfig",
    "PlatformsConfig",
    "PositiveFloat",
    "PositiveInt",
    "RateLimit",
    "SchedulerConfig",
    "Section",
    "SmsConfig",
    "TelegramConfig",
    "VoiceConfig",
    "WeComConfig",
    "WebConfig",
    "WebhookPlatformConfig",
    "WebhookTarget",
    "kernel_of",
    "load_config",
    "parse_config",
]

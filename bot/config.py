"""Configuration: committed defaults in config.yaml, secrets only from DUTYBOT_* variables."""

from __future__ import annotations

import os
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.core.roles import Role
from bot.rules import RuleTable

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"
PositiveInt = Annotated[int, Field(gt=0)]
PositiveFloat = Annotated[float, Field(gt=0)]


class ConfigError(Exception):
    """The configuration is invalid; the message names the key and the expected form."""


class Section(BaseModel):
    """Base for every section: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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


class RateLimit(Section):
    overall_per_second: PositiveFloat = 30
    per_chat_per_second: PositiveFloat = 1
    per_group_per_minute: PositiveFloat = 20


class PlatformConfig(Section):
    enabled: bool = False
    rate_limit: RateLimit | None = RateLimit()


class TelegramConfig(PlatformConfig):
    driver: Literal["ptb", "aiogram"] = "ptb"
    base_url: str = "https://api.telegram.org"
    mode: Literal["polling", "webhook"] = "polling"
    webhook_path: Annotated[str, Field(pattern=r"^/[A-Za-z0-9/_-]*$")] = "/telegram/webhook"
    poll_timeout_seconds: Annotated[int, Field(ge=1, le=50)] = 30
    request_timeout_seconds: PositiveFloat = 15.0
    retry_seconds: PositiveFloat = 5.0
    register_commands: bool = True


EnvSuffix = Annotated[str, Field(pattern=r"^[A-Z0-9_]{1,40}$")]


class WebhookPlatformConfig(PlatformConfig):
    """What WeCom, DingTalk and Feishu share: API bases, callback path, named group robots.

    ``robots`` maps a robot name (the address ``<platform>:robot:<name>``) to an environment
    suffix: the robot's key or token comes from ``DUTYBOT_<PLATFORM>_ROBOT_<SUFFIX>…``.
    """

    callback_path: str = "/"
    robots: dict[str, EnvSuffix] = {}
    timeout_seconds: PositiveFloat = 10.0


class WeComConfig(WebhookPlatformConfig):
    """企业微信 self-built app (应用) and group robots (消息推送)."""

    api_base: str = "https://qyapi.weixin.qq.com"
    agent_id: int | None = None
    callback_path: str = "/wecom/callback"
    template_cards: bool = True
    duplicate_check_seconds: Annotated[int, Field(ge=0, le=14400)] = 600


class DingTalkConfig(WebhookPlatformConfig):
    """钉钉 enterprise-internal app robot and custom (webhook) robots."""

    api_base: str = "https://api.dingtalk.com"
    oapi_base: str = "https://oapi.dingtalk.com"
    robot_code: str = ""
    mode: Literal["http", "stream"] = "http"
    callback_path: str = "/dingtalk/callback"
    session_webhook_margin_seconds: Annotated[int, Field(ge=0, le=3600)] = 300


class FeishuConfig(WebhookPlatformConfig):
    """飞书 self-built app bot and custom bots."""

    api_base: str = "https://open.feishu.cn"
    callback_path: str = "/feishu/events"


class ConsoleConfig(PlatformConfig):
    enabled: bool = True
    rate_limit: RateLimit | None = None


class PlatformsConfig(Section):
    console: ConsoleConfig = ConsoleConfig()
    telegram: TelegramConfig = TelegramConfig()
    wecom: WeComConfig = WeComConfig()
    dingtalk: DingTalkConfig = DingTalkConfig()
    feishu: FeishuConfig = FeishuConfig()


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


class ShiftDef(Section):
    """One shift of the duty roster; an end at or before the start ends the next day."""

    name: str
    start: time
    end: time


class StaffingDay(Section):
    """Which shifts a kind of day has and how many 值班员 each shift needs."""

    shifts: tuple[str, ...] = ("全天",)
    officers: PositiveInt = 1


class StaffingConfig(Section):
    workday: StaffingDay = StaffingDay()
    weekend: StaffingDay = StaffingDay()
    holiday: StaffingDay = StaffingDay(officers=2)


class RollCallConfig(Section):
    answer_minutes: PositiveInt = 10
    admin_after_minutes: PositiveInt = 20
    random_per_day: Annotated[int, Field(ge=0)] = 1
    windows: tuple[str, ...] = ("09:00-11:30", "14:30-17:00", "21:00-23:00")

    @field_validator("windows")
    @classmethod
    def _windows(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for window in value:
            start, sep, end = window.partition("-")
            try:
                ok = bool(sep) and time.fromisoformat(start) < time.fromisoformat(end)
            except ValueError:
                ok = False
            if not ok:
                raise ValueError(f"「{window}」应为 HH:MM-HH:MM 且开始早于结束，例如 09:00-11:30")
        return value


class CasualtyThresholds(Section):
    """Minimum counts for a severity; a level applies when any count reaches it."""

    deaths: PositiveInt
    injured: PositiveInt
    trapped: PositiveInt


class TriageConfig(Section):
    categories: dict[str, tuple[str, ...]] = {}
    severity: dict[str, CasualtyThresholds] = {}
    notify_level: Literal["一般", "较大", "重大", "特别重大"] = "较大"


class IncidentLimit(Section):
    phone_minutes: PositiveInt | None = None
    written_minutes: PositiveInt
    followup_hours: PositiveInt | None = None
    source: str


class PlanConfig(Section):
    aliases: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()


class DutyConfig(Section):
    shifts: tuple[ShiftDef, ...] = (
        ShiftDef(name="全天", start=time(8, 30), end=time(8, 30)),
        ShiftDef(name="白班", start=time(8, 30), end=time(17, 30)),
        ShiftDef(name="夜班", start=time(17, 30), end=time(8, 30)),
    )
    day_before_at: time = time(16, 0)
    remind_before_start_minutes: PositiveInt = 30
    remind_before_end_minutes: PositiveInt = 30
    checkin_leader_minutes: PositiveInt = 15
    checkin_admin_minutes: PositiveInt = 45
    handover_leader_minutes: PositiveInt = 30
    handover_admin_minutes: PositiveInt = 60
    swap_needs_leader: bool = True
    dialog_minutes: PositiveInt = 15
    staffing: StaffingConfig = StaffingConfig()
    rollcall: RollCallConfig = RollCallConfig()
    triage: TriageConfig = TriageConfig()
    incident_remind_minutes: PositiveInt = 10
    incident_limits: dict[Literal["一般", "较大", "重大", "特别重大"], IncidentLimit] = {}
    plans: dict[str, PlanConfig] = {}

    @model_validator(mode="after")
    def _staffed_shifts_exist(self) -> DutyConfig:
        names = {s.name for s in self.shifts}
        for kind in ("workday", "weekend", "holiday"):
            unknown = set(getattr(self.staffing, kind).shifts) - names
            if unknown:
                raise ValueError(
                    f"staffing.{kind} 用到未定义的班次 {'、'.join(sorted(unknown))}，"
                    f"已定义：{'、'.join(sorted(names))}"
                )
        return self

    def shift(self, name: str) -> ShiftDef:
        """The shift called ``name``; ValueError naming the configured ones otherwise."""
        for shift in self.shifts:
            if shift.name == name:
                return shift
        names = "、".join(s.name for s in self.shifts)
        raise ValueError(f"没有班次「{name}」，可选：{names}")


class SupervisionConfig(Section):
    """督办 pushes: the hour (local) at which day-based pushes go out."""

    push_hour: Annotated[int, Field(ge=0, le=23)] = 9


class TicketsConfig(Section):
    """12345 工单: API clients, deadline rules by category, pushes, duplicates, search words.

    ``api_clients`` maps a client name to an environment suffix: its API key is read from
    ``DUTYBOT_API_KEY_<SUFFIX>``, never from this file.
    """

    api_clients: dict[str, EnvSuffix] = {}
    default_rule: str = "hotline.handle"
    category_rules: dict[str, str] = {
        "咨询": "hotline.consult",
        "求助": "hotline.help",
        "建议": "hotline.help",
        "投诉": "hotline.complaint",
        "举报": "hotline.complaint",
    }
    urgent_rule: str | None = "hotline.life_safety"
    supervise_after_overdue: Annotated[int, Field(ge=0)] = 2
    duplicate_days: PositiveInt = 30
    duplicate_similarity: Annotated[float, Field(gt=0, le=1)] = 0.5
    satisfied: tuple[str, ...] = ("满意", "基本满意")
    dictionary: tuple[str, ...] = ("路灯", "不亮", "井盖", "噪音", "扰民", "积水", "12345热线")


class ProposalsConfig(Section):
    """建议提案 KPIs."""

    # 满意率 leaves out items whose rating never came back (重庆 §29).
    exclude_unrated: bool = True
    # Ratings counted as satisfied; 基本满意 counts in most places.
    satisfied: tuple[str, ...] = ("满意", "基本满意")
    # 办结率 over all items assigned, or only over those whose reply date has come.
    completion_base: Literal["assigned", "due"] = "assigned"


class PetitionsConfig(Section):
    """信访: roles that see petitioners' names and phones unmasked (others: 王** 139****5678)."""

    unmasked_roles: tuple[Role, ...] = (Role.SUPERVISOR,)


class BroadcastLevel(Section):
    """How one alert level (红/橙/黄/蓝) is chased."""

    renotify_minutes: PositiveInt
    max_renotify: Annotated[int, Field(ge=0)]
    officer_needs_approval: bool = True


class BroadcastRoster(Section):
    """Who a channel names besides its groups: everyone holding ``roles`` or in ``orgs``."""

    roles: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from bot.core.roles import Role

        return tuple(Role.parse(r).value for r in value)


class BroadcastConfig(Section):
    """Emergency broadcasts (issue 7)."""

    summary_delay_seconds: PositiveInt = 15
    open_hours: PositiveInt = 72
    max_text_chars: Annotated[int, Field(gt=0, le=3500)] = 2000
    levels: dict[Literal["red", "orange", "yellow", "blue"], BroadcastLevel] = {
        "red": BroadcastLevel(renotify_minutes=5, max_renotify=3),
        "orange": BroadcastLevel(renotify_minutes=10, max_renotify=3),
        "yellow": BroadcastLevel(
            renotify_minutes=30, max_renotify=2, officer_needs_approval=False
        ),
        "blue": BroadcastLevel(renotify_minutes=60, max_renotify=1, officer_needs_approval=False),
    }
    channels: dict[str, BroadcastRoster] = {}

    @field_validator("levels")
    @classmethod
    def _all_levels(cls, value: dict[str, BroadcastLevel]) -> dict[str, BroadcastLevel]:
        missing = [lv for lv in ("red", "orange", "yellow", "blue") if lv not in value]
        if missing:
            raise ValueError(f"缺少级别 {', '.join(missing)}，四个级别都要配置")
        return value


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

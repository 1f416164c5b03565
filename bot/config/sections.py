"""The kernel's own configuration sections: database, HTTP, binding, outbox, scheduler, logs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from bot.config.base import NonNegativeFloat, PositiveFloat, PositiveInt, Section


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


class WebConfig(Section):
    """The web dashboard (bot/web, docs/web.md): sign-in links, sessions, sign-in limits."""

    enabled: bool = True  # pages are served whenever http.enabled
    base_url: str = ""  # the address people open (https://…); empty: http://host:port
    link_minutes: Annotated[int, Field(ge=1, le=60)] = 10
    session_hours: Annotated[int, Field(ge=1, le=72)] = 12
    idle_minutes: Annotated[int, Field(ge=1, le=720)] = 30
    max_failures: PositiveInt = 5  # failed sign-ins per account …
    address_max_failures: PositiveInt = 20  # … and per address (an office shares one) …
    failure_window_minutes: PositiveInt = 15  # … within this window
    # Cookies without the Secure flag: only for plain-http development and tests on 127.0.0.1.
    insecure_cookies: bool = False

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("应为完整地址，例如 https://duty.example.gov.cn")
        return value.rstrip("/")


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
    text_keep_days: PositiveInt = 30  # finished rows' text is cleared after this (docs/privacy.md)
    stalled_after_seconds: PositiveFloat = 60.0  # no sender pass this long: /healthz says 503
    stuck_after_seconds: PositiveInt = 600  # a row due this long but unsent: admins are told


class SchedulerConfig(Section):
    due_scan_seconds: PositiveFloat = 2.0  # the longest the due scan sleeps (others' new items)
    due_precision_seconds: PositiveFloat = 0.2  # the shortest: items due closer fire together
    batch_size: PositiveInt = 200
    lease_seconds: PositiveInt = 120
    late_after_seconds: PositiveInt = 60
    max_attempts: PositiveInt = 5
    cron_catch_up_hours: PositiveInt = 24
    stalled_after_seconds: PositiveFloat = 60.0  # no tick this long: /healthz says 503
    overdue_alert_seconds: PositiveInt = 300  # a due item unfired this long: admins are told


class InstancesConfig(Section):
    """Heartbeats: a dead instance's claims are taken over after ``stale_seconds``."""

    enabled: bool = True
    beat_seconds: PositiveFloat = 2.0
    stale_seconds: PositiveFloat = 6.0  # three missed beats: at most ~8 s to notice
    # The auditor tells the admins about instances taken over within this window (it runs every
    # 5 minutes; each instance is told once).
    takeover_alert_seconds: PositiveInt = 900

    @model_validator(mode="after")
    def _stale_after_beats(self) -> InstancesConfig:
        if self.stale_seconds < 2 * self.beat_seconds:
            raise ValueError(
                "instances.stale_seconds 应至少为 beat_seconds 的两倍（建议三倍），"
                "否则一次稍慢的心跳就会让存活的实例被当作已停止"
            )
        return self


class AuditConfig(Section):
    """Audit log: how long rows are kept, where the key and the daily anchors live."""

    # 网络安全法 §21: logs kept at least six months, counted in calendar months.
    retention_months: int = 6
    # The HMAC key comes from DUTYBOT_AUDIT_KEY; without it, from this file ("": <data_dir>/
    # audit.key, generated 0600 on first use — fine for the embedded demo, see README).
    key_file: str = ""
    # The daily 审计校验码 lines go here, outside the database directory.
    anchor_file: str = "~/.local/state/dutybot/audit-anchors.log"

    @field_validator("retention_months")
    @classmethod
    def _six_months_at_least(cls, value: int) -> int:
        if value < 6:
            raise ValueError(
                f"审计日志至少保存 6 个月（网络安全法第二十一条），当前为 {value}，"
                "请改为 6 或更大的整数"
            )
        return value

    def key_path(self, data_dir: str) -> Path:
        """The key file used when DUTYBOT_AUDIT_KEY is not set."""
        return Path(self.key_file or Path(data_dir) / "audit.key").expanduser()

    def anchor_path(self) -> Path:
        """Where the daily 审计校验码 lines are appended."""
        return Path(self.anchor_file).expanduser()

    @model_validator(mode="before")
    @classmethod
    def _days_became_months(cls, data: Any) -> Any:
        if isinstance(data, dict) and "retention_days" in data:
            raise ValueError(
                "retention_days 已改为按自然月计的 retention_months（至少 6），"
                "请把 audit.retention_days 改为 audit.retention_months: 6"
            )
        return data


class InboxConfig(Section):
    keep_days: PositiveInt = 30
    max_chars: Annotated[int, Field(ge=100, le=100_000)] = 4000
    # The 机要 channel every refusal of a 密级 marking names (公文条例 §26).
    classified_channel: str = "机要室、机要交换站、机要交通"
    max_file_mb: Annotated[float, Field(gt=0, le=20)] = 10
    """The largest file or picture accepted from a chat (platforms cap bots near 20 MB)."""

"""The kernel's own configuration sections: database, HTTP, binding, outbox, scheduler, logs."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

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

"""The ``broadcast`` section of config.yaml: how each alert level is chased, who each channel
names."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from bot.config import FeatureSection, PositiveInt, Section, kernel_of
from bot.core.roles import Role
from models.directory.ladder_settings import LadderStep, PhoneLimits, check_ladder

__all__ = [
    "BROADCAST",
    "LADDER_FIELDS",
    "BroadcastConfig",
    "BroadcastLevel",
    "BroadcastRoster",
    "LadderStep",
    "LevelName",
    "PhoneEscalation",
]


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
        return tuple(Role.parse(r).value for r in value)


#: What a ladder's template may ask for: each filled from the broadcast when the step fires.
LADDER_FIELDS = ("title", "level", "minutes", "waiting", "code")
LevelName = Literal["red", "orange", "yellow", "blue"]


class PhoneEscalation(PhoneLimits):
    """SMS and voice rungs after chat (issue 18), per level; the quiet hours hold back the
    ``quiet_levels`` only (a red alert is never held back by default)."""

    ladders: dict[LevelName, tuple[LadderStep, ...]] = {}
    quiet_levels: tuple[LevelName, ...] = ("orange", "yellow", "blue")

    @model_validator(mode="after")
    def _templates_exist(self, info: ValidationInfo) -> PhoneEscalation:
        for level, steps in self.ladders.items():
            where = f"broadcast.escalation.ladders.{level}"
            check_ladder(kernel_of(info), where, steps, LADDER_FIELDS)
        return self


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
    escalation: PhoneEscalation = PhoneEscalation()

    @field_validator("levels")
    @classmethod
    def _all_levels(cls, value: dict[str, BroadcastLevel]) -> dict[str, BroadcastLevel]:
        missing = [lv for lv in ("red", "orange", "yellow", "blue") if lv not in value]
        if missing:
            raise ValueError(f"缺少级别 {', '.join(missing)}，四个级别都要配置")
        return value

    @model_validator(mode="after")
    def _rosters_for_known_channels(self, info: ValidationInfo) -> BroadcastConfig:
        kernel = kernel_of(info)
        unknown = [c for c in self.channels if kernel is not None and c not in kernel.channels]
        if unknown:
            raise ValueError(f"broadcast.channels 中的 {'、'.join(unknown)} 不在 channels 列表中")
        return self


BROADCAST = FeatureSection("broadcast", BroadcastConfig)

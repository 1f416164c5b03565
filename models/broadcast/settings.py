"""The ``broadcast`` section of config.yaml: how each alert level is chased, who each channel
names."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from bot.config import FeatureSection, PositiveInt, Section, kernel_of
from bot.core.roles import Role


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


class LadderStep(Section):
    """One rung: so many minutes after sending, the still-silent are texted or called.

    ``to: duty_leader`` calls (or texts) the 带班领导 on duty at that time instead.
    """

    after_minutes: PositiveInt
    by: Literal["sms", "voice"]
    template: str
    to: Literal["recipients", "duty_leader"] = "recipients"


class PhoneEscalation(Section):
    """SMS and voice rungs after chat (issue 18), with what keeps them from becoming a storm."""

    ladders: dict[LevelName, tuple[LadderStep, ...]] = {}
    # Local HH:MM–HH:MM when the listed levels wait (a red alert is never held back by default).
    quiet_hours: tuple[Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")], ...] = ()
    quiet_levels: tuple[LevelName, ...] = ("orange", "yellow", "blue")
    max_per_person_per_day: Annotated[int, Field(ge=1, le=50)] = 6

    @field_validator("quiet_hours")
    @classmethod
    def _a_span(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if value and (len(value) != 2 or value[0] == value[1]):
            raise ValueError('quiet_hours 写作 ["22:00", "07:00"]（开始、结束，不同时刻）')
        return value

    @model_validator(mode="after")
    def _templates_exist(self, info: ValidationInfo) -> PhoneEscalation:
        kernel = kernel_of(info)
        for level, steps in self.ladders.items():
            for step in steps:
                where = f"broadcast.escalation.ladders.{level}"
                if kernel is None:
                    continue
                templates = getattr(kernel.platforms, step.by).templates
                if step.template not in templates:
                    raise ValueError(
                        f"{where}：platforms.{step.by}.templates 中没有「{step.template}」"
                    )
                unknown = set(templates[step.template].params) - set(LADDER_FIELDS)
                if unknown:
                    raise ValueError(
                        f"{where}：模板参数 {'、'.join(sorted(unknown))} 无法填写，"
                        f"可用 {'、'.join(LADDER_FIELDS)}"
                    )
            minutes = [s.after_minutes for s in steps]
            if minutes != sorted(minutes):
                raise ValueError(f"broadcast.escalation.ladders.{level}：after_minutes 须递增")
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

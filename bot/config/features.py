"""Configuration sections of the features: duty, supervision, 建议提案, 信访, 12345, broadcasts."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from bot.config.base import EnvSuffix, PositiveFloat, PositiveInt, Section
from bot.core.roles import Role


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
    """督办 pushes: the hour (local) at which day-based pushes go out; whether the scheduled
    督查通报 carries its chart."""

    push_hour: Annotated[int, Field(ge=0, le=23)] = 9
    report_chart: bool = True


class TicketsWebhook(Section):
    """Where chat steps on a ticket are sent back (the 12345 platform's receiving address).

    The HMAC-SHA256 signing key is read from ``DUTYBOT_TICKETS_WEBHOOK_SECRET``, never from here.
    """

    url: str | None = None
    timeout_seconds: PositiveFloat = 10.0

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^\s/]+\S*", value):
            raise ValueError(
                "应为 http:// 或 https:// 开头的地址，例如 https://12345.example.cn/steps"
            )
        return value


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
    # The escalation also opens a 督办 item (source 12345) due after ``supervise_rule``.
    supervise_item: bool = True
    supervise_rule: str = "hotline.supervise"
    duplicate_days: PositiveInt = 30
    duplicate_similarity: Annotated[float, Field(gt=0, le=1)] = 0.5
    satisfied: tuple[str, ...] = ("满意", "基本满意")
    dictionary: tuple[str, ...] = ("路灯", "不亮", "井盖", "噪音", "扰民", "积水", "12345热线")
    webhook: TicketsWebhook = TicketsWebhook()


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

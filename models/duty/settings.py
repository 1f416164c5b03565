"""The ``duty`` section of config.yaml: shifts, staffing, reminders, roll calls, triage and
incident limits."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from bot.config import FeatureSection, PositiveInt, Section, kernel_of
from models.directory.ladder_settings import LadderStep, PhoneLimits, check_ladder


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
    unit_answer_minutes: PositiveInt = 10
    unit_kinds: tuple[str, ...] = ("乡镇", "部门")
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


#: What each duty ladder's templates may ask for: filled from the shift, 查岗 or unit chased.
DUTY_LADDER_FIELDS: dict[str, tuple[str, ...]] = {
    "checkin": ("names", "shift", "start", "minutes"),
    "rollcall": ("name", "asked", "minutes"),
    "unitcheck": ("unit", "asked", "minutes"),
}
DutyLadder = Literal["checkin", "rollcall", "unitcheck"]


class DutyEscalation(PhoneLimits):
    """SMS and voice rungs for a missed check-in (from the shift start), an unanswered 查岗 and
    an unanswered 县级查岗 (from the question), beside the chat escalations; the quiet hours
    hold back the ``quiet_ladders`` only."""

    checkin: tuple[LadderStep, ...] = ()
    rollcall: tuple[LadderStep, ...] = ()
    unitcheck: tuple[LadderStep, ...] = ()
    quiet_ladders: tuple[DutyLadder, ...] = ()

    @model_validator(mode="after")
    def _templates_exist(self, info: ValidationInfo) -> DutyEscalation:
        for name, fields in DUTY_LADDER_FIELDS.items():
            steps = getattr(self, name)
            check_ladder(kernel_of(info), f"duty.escalation.{name}", steps, fields)
        return self

    def quiet_for(self, ladder: DutyLadder) -> tuple[str, ...]:
        """The quiet hours that hold back ``ladder`` (none when it is not listed)."""
        return self.quiet_hours if ladder in self.quiet_ladders else ()


class CasualtyThresholds(Section):
    """Minimum counts for a severity; a level applies when any count reaches it. A count left
    out (None) is no criterion at that level."""

    deaths: PositiveInt | None = None
    injured: PositiveInt | None = None
    trapped: PositiveInt | None = None
    loss_wan: PositiveInt | None = None  # direct economic loss, 万元


class TriageConfig(Section):
    categories: dict[str, tuple[str, ...]] = {}
    severity: dict[str, CasualtyThresholds] = {}
    notify_level: Literal["一般", "较大", "重大", "特别重大"] = "较大"
    # People trapped or missing grade no higher than 一般 (no outcome yet), but a rescue is
    # under way: from this many the 带班领导 is alerted and an incident opened whatever the
    # grade. None turns it off.
    alert_trapped: PositiveInt | None = 1


class IncidentLimit(Section):
    """Report limits of one level, counted from 接报 (when the report came in)."""

    phone_minutes: PositiveInt | None = None
    written_minutes: PositiveInt
    # 续报 on a rolling interval after each report …
    followup_hours: PositiveInt | None = None
    # … or before fixed local times each day (08:00 and 17:00); a report made less than
    # followup_min_minutes before such a time counts for it.
    followup_times: tuple[time, ...] = ()
    followup_min_minutes: PositiveInt = 60
    source: str

    @model_validator(mode="after")
    def _one_followup_rule(self) -> IncidentLimit:
        if self.followup_hours and self.followup_times:
            raise ValueError(
                "续报时限请只写一种：followup_hours（滚动间隔）或 followup_times（每日定时）"
            )
        return self


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
    handover_window_minutes: PositiveInt = 30
    swap_needs_leader: bool = True
    dialog_minutes: PositiveInt = 15
    staffing: StaffingConfig = StaffingConfig()
    rollcall: RollCallConfig = RollCallConfig()
    escalation: DutyEscalation = DutyEscalation()
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


DUTY = FeatureSection("duty", DutyConfig)

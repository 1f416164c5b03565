"""The config shapes every phone escalation ladder shares: a rung, quiet hours, per-person limits.

Broadcasts (``broadcast.escalation``) and duty (``duty.escalation``) both build on these; the
rungs themselves are fired by :mod:`models.directory.ladder`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Annotated, Literal

from pydantic import Field, field_validator

from bot.config import Config, PositiveInt, Section
from bot.core.clock import LocalTime

HourMinute = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class LadderStep(Section):
    """One rung: so many minutes after the start, whoever is still silent is texted or called.

    ``to: duty_leader`` calls (or texts) the 带班领导 on duty at that time instead.
    """

    after_minutes: PositiveInt
    by: Literal["sms", "voice"]
    template: str
    to: Literal["recipients", "duty_leader"] = "recipients"


class PhoneLimits(Section):
    """What keeps a ladder from becoming a storm: quiet hours and a per-person daily limit."""

    # Local HH:MM–HH:MM when the ladders the section names wait (see each section).
    quiet_hours: tuple[HourMinute, ...] = ()
    max_per_person_per_day: Annotated[int, Field(ge=1, le=50)] = 6

    @field_validator("quiet_hours")
    @classmethod
    def _a_span(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if value and (len(value) != 2 or value[0] == value[1]):
            raise ValueError('quiet_hours 写作 ["22:00", "07:00"]（开始、结束，不同时刻）')
        return value


def check_ladder(
    kernel: Config | None, where: str, steps: Iterable[LadderStep], fields: tuple[str, ...]
) -> None:
    """Refuse a ladder whose templates are missing or ask for values nobody can fill.

    Args:
        kernel: The kernel config (None when a section is validated alone: templates unknown).
        where: The ladder's place in config.yaml, for the message.
        steps: Its rungs.
        fields: The values its templates may use.

    Raises:
        ValueError: a Chinese message naming the rung and the fix.
    """
    steps = tuple(steps)
    minutes = [s.after_minutes for s in steps]
    if minutes != sorted(minutes):
        raise ValueError(f"{where}：after_minutes 须递增")
    if kernel is None:
        return
    for step in steps:
        templates = getattr(kernel.platforms, step.by).templates
        if step.template not in templates:
            raise ValueError(f"{where}：platforms.{step.by}.templates 中没有「{step.template}」")
        unknown = set(templates[step.template].params) - set(fields)
        if unknown:
            raise ValueError(
                f"{where}：模板参数 {'、'.join(sorted(unknown))} 无法填写，"
                f"可用 {'、'.join(fields)}"
            )


def quiet_until(quiet_hours: tuple[str, ...], now: datetime, tz: LocalTime) -> datetime | None:
    """When the quiet hours end, if ``now`` is inside them; else None (also with none set)."""
    if not quiet_hours:
        return None
    start, end = (time.fromisoformat(t) for t in quiet_hours)
    local = tz.local(now)
    at = local.time()
    inside = start <= at < end if start < end else at >= start or at < end
    if not inside:
        return None
    finish = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return finish if finish > local else finish + timedelta(days=1)

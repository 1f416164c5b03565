"""The ``calendar`` and ``supervision`` sections of config.yaml: 调休 overrides, and the hour at
which day-based reminders go out.

``supervision.push_hour`` is read by every feature's reminder clocks (督办, 建议提案, 信访, 12345:
:class:`models.deadlines.clocks.Moments`), so its section lives here, under all of them, although
its key keeps the name counties already use.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from bot.config import FeatureSection, Section


class YearOverride(Section):
    """One year's 调休 as published by the State Council: days off and working weekend days."""

    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()


class CalendarConfig(Section):
    overrides: dict[int, YearOverride] = {}
    library_until: int | None = None  # drills and tests: chinese-calendar's years up to this one
    estimate: bool = True  # a year without data: the law's statutory days and 补假 (推定)


class SupervisionConfig(Section):
    """督办 pushes: the hour (local) at which day-based pushes go out; whether the scheduled
    督查通报 carries its chart; how long a bare ``督办 进展 编号`` waits for the progress (or
    its photo, on platforms where a picture comes without a caption)."""

    push_hour: Annotated[int, Field(ge=0, le=23)] = 9
    report_chart: bool = True
    dialog_minutes: Annotated[int, Field(gt=0)] = 30


CALENDAR = FeatureSection("calendar", CalendarConfig)
SUPERVISION = FeatureSection("supervision", SupervisionConfig)

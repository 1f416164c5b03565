"""Generating a fair roster: equal counts, no one twice in a row, holidays spread, weekends and
法定节假日 staffed as config says — on the work calendar, warning for years it does not know."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from models.deadlines.calendar import WorkCalendar
from models.duty.records import SlotSpec
from models.duty.settings import DutyConfig

DayKind = Literal["workday", "weekend", "holiday"]
KIND_LABELS = {"workday": "工作日", "weekend": "周末", "holiday": "节假日"}


def day_kind(cal: WorkCalendar, day: date) -> DayKind:
    """Working day, ordinary weekend, or 法定节假日 (a weekday off, or a named holiday)."""
    if cal.is_workday(day):
        return "workday"
    override = cal.config.overrides.get(day.year)
    named = cal.holiday_name(day) is not None or (
        override is not None and day in override.holidays
    )
    return "holiday" if named or day.weekday() < 5 else "weekend"


@dataclass
class Rotation:
    """The generated slots and the calendar warnings met on the way."""

    specs: list[SlotSpec] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: Counter[int] = field(default_factory=Counter)


@dataclass
class _Pool:
    """One group of people taking turns (officers or leaders)."""

    people: Sequence[int]
    counts: Counter[int] = field(default_factory=Counter)
    holidays: Counter[int] = field(default_factory=Counter)
    last: dict[int, int] = field(default_factory=dict)
    previous: frozenset[int] = frozenset()

    def pick(self, need: int, turn: int, holiday: bool) -> list[int]:
        fresh = [p for p in self.people if p not in self.previous]
        # With fewer people than seats the "not twice in a row" rule has to give way.
        candidates = fresh if len(fresh) >= need else list(self.people)

        def rank(person: int) -> tuple[int, int, int, int]:
            first = self.holidays[person] if holiday else 0
            return (
                first,
                self.counts[person],
                self.last.get(person, -1),
                self.people.index(person),
            )

        chosen = sorted(candidates, key=rank)[:need]
        for person in chosen:
            self.counts[person] += 1
            self.holidays[person] += holiday
            self.last[person] = turn
        self.previous = frozenset(chosen)
        return chosen


def generate(
    cfg: DutyConfig,
    cal: WorkCalendar,
    first: date,
    last: date,
    officers: Sequence[int],
    leaders: Sequence[int],
) -> Rotation:
    """Slots for every day from ``first`` to ``last`` inclusive.

    Raises:
        ValueError: in Chinese, when there are no officers or the range is reversed.
    """
    if last < first:
        raise ValueError("截止日期早于起始日期")
    if not officers:
        raise ValueError("没有在册值班员（角色 officer），无法排班")
    result = Rotation()
    staff, crew, heads = cfg.staffing, _Pool(officers), _Pool(leaders)
    day, turn, years = first, 0, set()
    while day <= last:
        years.add(day.year)
        kind = day_kind(cal, day)
        need = getattr(staff, kind)
        for shift in need.shifts:
            holiday = kind == "holiday"
            people = crew.pick(min(need.officers, len(officers)), turn, holiday)
            leader = heads.pick(1, turn, holiday) if leaders else []
            result.specs.append(SlotSpec(day, shift, leader[0] if leader else None, tuple(people)))
            turn += 1
        day += timedelta(days=1)
    result.warnings = [w for y in sorted(years) if (w := cal.warning(y))]
    result.counts = crew.counts
    return result

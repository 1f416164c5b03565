"""Deadline engine: computes per second for every rule of the table, against chinese-calendar."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from bot.app import load_config
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import compute
from models.deadlines.settings import CALENDAR


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds) if seconds else 0.0


def run(argv: list[str]) -> dict[str, object]:
    """``python -m bench deadlines [COUNT]``: COUNT starts spread over 2023–2026 for every rule."""
    count = int(argv[0]) if argv else 2000
    config, tz = load_config(), ZoneInfo("Asia/Shanghai")
    cal = WorkCalendar(CALENDAR.of(config))
    # Spread over 2023-01-01 … 2026-10-01 so the baseline (which refuses 2027) can follow.
    step = timedelta(days=1369) / count
    starts = [datetime(2023, 1, 1, 10, tzinfo=tz) + step * i for i in range(count)]
    per_rule: dict[str, float] = {}
    for rule_id, rule in config.rules.items():
        began = time.perf_counter()
        for start in starts:
            compute(start, rule, cal, tz)
        per_rule[rule_id] = _rate(count, time.perf_counter() - began)
    workday = config.rules["hotline.handle"]
    began = time.perf_counter()
    ours = [compute(s, workday, cal, tz).last_day for s in starts]
    engine = time.perf_counter() - began
    began = time.perf_counter()
    theirs = [chinese_calendar.find_workday(workday.amount, s.date()) for s in starts]
    baseline = time.perf_counter() - began
    # find_workday moves a start on a day off to the next working day before counting; the
    # engine counts from the day after receipt (次日起算), so only working-day starts must agree.
    pairs = [
        (a, b) for s, a, b in zip(starts, ours, theirs, strict=True) if cal.is_workday(s.date())
    ]
    agree = sum(a == b for a, b in pairs)
    result = {
        "count": count,
        "engine_workday_per_s": _rate(count, engine),
        "baseline_find_workday_per_s": _rate(count, baseline),
        "agree_on_workday_starts": f"{agree}/{len(pairs)}",
        "slowest_rule": min(per_rule, key=lambda k: per_rule[k]),
        "slowest_rule_per_s": min(per_rule.values()),
        "fastest_rule_per_s": max(per_rule.values()),
    }
    for key, value in result.items():
        print(f"{key}: {value}")
    return result

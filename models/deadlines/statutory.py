"""The statutory public holidays of a year as the law fixes them, for years whose State Council
notice is not yet known: 《全国年节及纪念日放假办法》 days plus the 第六条 make-up days (补假).

The lunar dates (除夕, 正月初一–初三, 端午, 中秋) and the solar term 清明 come from lunar-python.
调休 (weekend working days swapped for bridge days) is never guessed: it exists only by notice.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from lunar_python import Lunar

FIRST_YEAR = 2014  # the 2013 text (国务院令第644号) in force from 2014-01-01
LAST_YEAR = 2100  # lunar-python's tables end here
NEW_TEXT_YEAR = 2025  # the 2024 text (国务院令第795号) in force from 2025-01-01

MAKE_UP = "补假"


def _solar(lunar: Lunar) -> date:
    solar = lunar.getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def statutory_days(year: int) -> dict[date, str]:
    """The days off the law names for ``year`` (第二条), each with its holiday's name.

    Before 2025 (2013 text): 春节 is 正月初一–初三 and 劳动节 is 5 月 1 日. From 2025 (2024 text):
    春节 adds 农历除夕 and 劳动节 adds 5 月 2 日.

    Raises:
        ValueError: ``year`` outside FIRST_YEAR..LAST_YEAR.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"{year} 年不在可推定的范围（{FIRST_YEAR}–{LAST_YEAR}）内")
    new_text = year >= NEW_TEXT_YEAR
    spring = _solar(Lunar.fromYmd(year, 1, 1))
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    days: dict[date, str] = {date(year, 1, 1): "元旦"}
    for offset in range(-1 if new_text else 0, 3):
        days[spring + timedelta(days=offset)] = "春节"
    days[date(qingming.getYear(), qingming.getMonth(), qingming.getDay())] = "清明节"
    days[date(year, 5, 1)] = "劳动节"
    if new_text:
        days[date(year, 5, 2)] = "劳动节"
    days[_solar(Lunar.fromYmd(year, 5, 5))] = "端午节"
    days[_solar(Lunar.fromYmd(year, 8, 15))] = "中秋节"
    for day in (1, 2, 3):
        days[date(year, 10, day)] = "国庆节"
    return days


@lru_cache(maxsize=256)
def estimated_days_off(year: int) -> dict[date, str]:
    """Statutory days plus, for each one on a Saturday or Sunday, a 补假 on the next working day.

    第六条: 全体公民放假的假日，如果适逢星期六、星期日，应当在工作日补假. Each make-up day is the
    first Monday–Friday after the holiday that is neither a holiday nor already a make-up day,
    so a run of holidays across a weekend gets its make-up days right after the run (e.g. 国庆
    on Sat–Mon → Tue and Wed off). Names read ``国庆节补假``.
    """
    days = statutory_days(year)
    off = dict(days)
    for day in sorted(days):
        if day.weekday() < 5:
            continue
        make_up = day + timedelta(days=1)
        while make_up.weekday() >= 5 or make_up in off:
            make_up += timedelta(days=1)
        off[make_up] = days[day] + MAKE_UP
    return off


def can_estimate(year: int) -> bool:
    """True for a year the law text and lunar-python cover."""
    return FIRST_YEAR <= year <= LAST_YEAR

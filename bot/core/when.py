"""Parsing "when" as people type it: 30分钟, 2小时, 1天, 14:30, 明天 8:30, 2026-11-27 08:30."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from bot.core.args import parse_date
from bot.core.clock import LocalTime

_RELATIVE = re.compile(r"^(\d{1,9})\s*(分钟|分|min|m|小时|时|h|天|d)后?$", re.IGNORECASE)
MAX_AHEAD_DAYS = 366  # a reminder further off is a typo; a date far off is beyond datetime's range
_UNITS = {
    "分钟": 60,
    "分": 60,
    "min": 60,
    "m": 60,
    "小时": 3600,
    "时": 3600,
    "h": 3600,
    "天": 86400,
    "d": 86400,
}
_CLOCK = re.compile(r"^(\d{1,2})[:：点](\d{2})?分?$")

HINT = "时间可写作 30分钟、2小时、14:30、明天 8:30 或 2026-11-27 08:30"


def _clock(token: str) -> time | None:
    found = _CLOCK.match(token)
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"「{token}」不是有效时刻")
    return time(hour, minute)


def split_when(text: str, now: datetime, tz: LocalTime) -> tuple[datetime, str]:
    """Take a time expression off the front of ``text``.

    Returns:
        The aware UTC moment and the rest of the text.

    Raises:
        ValueError: with a Chinese message when no time expression is found.
    """
    words = text.replace("\u3000", " ").split()
    if not words:
        raise ValueError(HINT)
    relative = _RELATIVE.match(words[0])
    if relative:
        seconds = int(relative.group(1)) * _UNITS[relative.group(2).lower()]
        if seconds <= 0:
            raise ValueError("时间间隔应大于 0")
        if seconds > MAX_AHEAD_DAYS * 86400:
            raise ValueError(f"时间间隔最长 {MAX_AHEAD_DAYS} 天。{HINT}")
        return now + timedelta(seconds=seconds), " ".join(words[1:])
    local_now = tz.local(now)
    at = _clock(words[0])
    if at is not None:
        moment = datetime.combine(local_now.date(), at, tz.tz)
        if moment <= local_now:
            moment += timedelta(days=1)  # 08:00 said at 09:00 means tomorrow
        return moment.astimezone(now.tzinfo), " ".join(words[1:])
    try:
        day = parse_date(words[0], local_now.date())
    except ValueError:
        raise ValueError(HINT) from None
    at = _clock(words[1]) if len(words) > 1 else None
    if at is None:
        raise ValueError(f"请在日期后写上时刻。{HINT}")
    moment = datetime.combine(day, at, tz.tz)
    if moment <= local_now:
        raise ValueError(f"{tz.fmt(moment)} 已经过去，请写一个将来的时间")
    return moment.astimezone(now.tzinfo), " ".join(words[2:])

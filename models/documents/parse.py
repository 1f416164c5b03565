"""Reading a 登记 as typed: the 文号 (〔2026〕12号 and its common variants), 密级, 紧急程度,
阅件/办件 and the 收文 time; every refusal says how to write it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time

from bot.core import secrecy
from bot.core.args import parse_date
from bot.core.clock import LocalTime
from bot.core.errors import UserError
from models.documents.records import KINDS, MODES, URGENCIES

# 发文机关代字 + 〔年份〕 + 序号 + 号 (条例 §9(五)); [2026], (2026), 【2026】 are folded to 〔〕.
_NUMBER = re.compile(
    r"^(?P<prefix>[\u4e00-\u9fffA-Za-z]{0,20})\s*[〔\[【(（［{｛]\s*(?P<year>\d{4})\s*"
    r"[〕\]】)）］}｝]\s*第?\s*(?P<no>\d{1,6})\s*号?$"
)
_CLOCK = re.compile(r"^(\d{1,2})[:：点](\d{2})?分?$")
NUMBER_HINT = "文号应写作 县政办发〔2026〕12号（年份用六角括号，也可写 [2026]），没有文号写「无」"
TIME_HINT = "收文时间可写 09:30、今天 09:30 或 2026-11-26 09:30，不能晚于现在"
_URGENCY_WORDS = {"特急": "特急", "加急": "加急", "平件": "平件", "平急": "平件", "普通": "平件"}


def number(text: str, today_year: int) -> str:
    """The 文号 in its standard form (``县政办发〔2026〕12号``); ``""`` for 无.

    Raises:
        UserError: not a 文号, or a year before 1949 or after next year.
    """
    raw = unicodedata.normalize("NFKC", text).strip()
    if raw in ("", "无", "-"):
        return ""
    found = _NUMBER.match(raw)
    if found is None:
        raise UserError(f"文号「{text}」格式不对。{NUMBER_HINT}")
    year = int(found.group("year"))
    if not 1949 <= year <= today_year + 1:
        raise UserError(f"文号「{text}」的年份 {year} 不对。{NUMBER_HINT}")
    return f"{found.group('prefix')}〔{year}〕{int(found.group('no'))}号"


def kind(text: str) -> str:
    """A 文种 of 条例 §8."""
    value = text.strip()
    if value not in KINDS:
        raise UserError(f"文种「{text}」不对，应为：{'、'.join(KINDS)}")
    return value


def urgency(text: str) -> str:
    """特急, 加急 or 平件 (empty: 平件)."""
    value = text.strip() or "平件"
    if value not in _URGENCY_WORDS:
        raise UserError(f"紧急程度「{text}」不对，应为：{'、'.join(URGENCIES)}")
    return _URGENCY_WORDS[value]


def mode(text: str) -> str:
    """阅件 or 办件."""
    value = text.strip()
    if value not in MODES:
        raise UserError(f"「{text}」应为 阅件（阅知）或 办件（须承办、有办理时限）")
    return value


def refuse_classified(allowed: tuple[str, ...], channel: str, level: str, *texts: str) -> str:
    """The 密级 to store (one of ``allowed``); refuses any other level and any marked text.

    Raises:
        UserError: a 密级 that is not allowed, or a marking in any of ``texts``; the message
            names the 机要 ``channel`` and says nothing was kept.
    """
    value = level.strip() or allowed[0]
    found = secrecy.find_any(*texts, f"密级：{value}")
    # On a 公文 a star is the mark between 密级 and 保密期限 (机密★10年): even alone it is refused.
    starred = any(c in secrecy.STARS for text in texts for c in secrecy.normalise(text))
    if value not in allowed or found is not None or starred:
        why = f"密级为「{value}」" if value not in allowed else "带有密级标识（★）"
        why = found.reason if found is not None else why
        raise UserError(
            f"本系统只登记{'、'.join(allowed)}公文，这份公文{why}，不予登记，"
            f"也未保存任何内容。涉密公文请通过{channel}办理。"
        )
    return value


def received(text: str, now: datetime, tz: LocalTime) -> datetime:
    """The 收文 moment typed as 09:30, 今天 09:30 or 2026-11-26 09:30 (empty: now).

    Raises:
        UserError: not a time, or one still to come.
    """
    words = text.replace("\u3000", " ").split()
    if not words:
        return now
    today = tz.local(now).date()
    try:
        day = today if _CLOCK.match(words[0]) else parse_date(words.pop(0), today)
    except ValueError:
        raise UserError(f"收文时间「{text}」看不懂。{TIME_HINT}") from None
    clock = _CLOCK.match(words[0]) if words else None
    if (
        clock is None
        or len(words) > 1
        or int(clock.group(1)) > 23
        or int(clock.group(2) or 0) > 59
    ):
        raise UserError(f"收文时间「{text}」须写到时刻。{TIME_HINT}")
    at = datetime.combine(day, time(int(clock.group(1)), int(clock.group(2) or 0)), tz.tz)
    if at > tz.local(now):
        raise UserError(f"收文时间 {tz.fmt(at)} 还没到。{TIME_HINT}")
    return at.astimezone(now.tzinfo)


@dataclass
class Registration:
    """What a 登记 asks for, checked."""

    direction: str
    kind: str
    number: str
    issuer: str
    title: str
    urgency: str = "平件"
    mode: str = "阅件"
    secrecy: str = "非密"
    received_at: datetime | None = None
    proposed: str = ""
    unit: str = ""
    due: str = ""

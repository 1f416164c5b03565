"""Reading 国务院办公厅关于YYYY年部分节假日安排的通知 as published: its days off (放假) and its
working weekend days (上班), or a refusal naming the line that could not be read.

Each item reads like 「二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，
共8天。1月26日（周日）、2月8日（周六）上班。」. Dates without a year belong to the notice's year,
except an 元旦 date in December (the previous year's 12月31日). Every sentence of an item must
be understood; weekdays written beside a date, 共N天 and the seven holidays are cross-checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.errors import UserError

HOLIDAYS = ("元旦", "春节", "清明", "劳动", "端午", "中秋", "国庆")
_WIDE = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "\u3000": " "})
_YEAR = re.compile(r"关于(\d{4})年部分节假日安排|现将(\d{4})年")
_ITEM = re.compile(r"^([一二三四五六七八九十]+)、([^:]{2,20}):(.+)$")
_DATE = r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^)]*)\))?"
_DAY = re.compile(_DATE)
_OFF = re.compile(rf"^({_DATE}(?:至{_DATE})?)放假(?:调休)?(?:(\d+)天)?((?:,[^,]+)*)$")
_WORK = re.compile(rf"^({_DATE}(?:、{_DATE})*)上班$")
_TAIL = re.compile(r"^(?:共(\d+)天|不调休|与周[末六日]连休)$")
_WEEK = "一二三四五六日"
# A notice pasted as one chat line: each item starts its own line again.
_ITEM_START = re.compile(
    r"(?<=[。\s])\s*(?=[一二三四五六七八九十]{1,2}、[^：:。]{1,12}[：:]|节假日期间|国务院办公厅(?:\s|$))"
)


@dataclass(frozen=True)
class Notice:
    """One year's arrangement: days off with the holiday's name, and working weekend days."""

    year: int
    title: str
    off: dict[date, str]
    work: frozenset[date]


class NoticeError(UserError):
    """The text is not a notice this reader can take fully."""


def _refuse(number: int, line: str, why: str) -> NoticeError:
    return NoticeError(
        f"第 {number} 行无法识别（{why}）：「{line.strip()}」。未导入任何日期；请粘贴国务院办公厅"
        "通知原文，每项形如「二、春节：1月28日（农历除夕、周二）至2月4日放假调休，共8天。"
        "1月26日（周日）上班。」"
    )


def _date(match: re.Match[str], year: int, month: int | None, is_new_year: bool) -> date:
    explicit_year, m, d, note = match.groups()
    month_value = int(m) if m else month
    if month_value is None:
        raise ValueError("日期缺少月份")
    if explicit_year:
        year = int(explicit_year)
    elif is_new_year and month_value == 12:
        year -= 1  # 元旦 from the previous year's 12月31日
    try:
        day = date(year, month_value, int(d))
    except ValueError:
        raise ValueError(f"{year}年{month_value}月{d}日不存在") from None
    for part in (note or "").split("、"):
        written = re.fullmatch(r"(?:周|星期)([一二三四五六日天])", part.strip())
        if written and _WEEK.index(written.group(1).replace("天", "日")) != day.weekday():
            raise ValueError(f"{day.isoformat()} 不是{part.strip()}")
    return day


def _off(sentence: str, year: int, name: str) -> dict[date, str]:
    found = _OFF.match(sentence)
    if not found:
        raise ValueError("放假日期的写法")
    dates = list(_DAY.finditer(found.group(1)))
    first = _date(dates[0], year, None, "元旦" in name)
    last = first
    if len(dates) == 2:
        last = _date(dates[1], first.year, first.month, False)
        if last < first:
            last = last.replace(year=last.year + 1)
    days = (last - first).days + 1
    written = [int(found.group(10))] if found.group(10) else []
    for tail in filter(None, found.group(11).split(",")):
        tail_match = _TAIL.match(tail.strip())
        if not tail_match:
            raise ValueError(f"不认识的说明「{tail}」")
        if tail_match.group(1):
            written.append(int(tail_match.group(1)))
    if any(count != days for count in written):
        span = f"{first.isoformat()} 至 {last.isoformat()}"
        raise ValueError(f"写明的天数与 {span} 的 {days} 天不符")
    return {first + timedelta(days=i): name for i in range(days)}


def _work(sentence: str, year: int, name: str) -> set[date]:
    if not _WORK.match(sentence):
        raise ValueError("上班日期的写法")
    days = {_date(m, year, None, "元旦" in name) for m in _DAY.finditer(sentence)}
    for day in days:
        if day.weekday() < 5:
            raise ValueError(f"调休上班日 {day.isoformat()} 不是周末")
    return days


def parse(text: str) -> Notice:
    """Read a notice's text.

    Raises:
        NoticeError: no year, an item sentence not understood, a weekday or day count that does
            not match its dates, a day both off and working, or one of the seven holidays missing.
    """
    lines = _ITEM_START.sub("\n", text).splitlines()
    plain = [line.translate(_WIDE).strip() for line in lines]
    year_match = next((m for line in plain if (m := _YEAR.search(line))), None)
    if year_match is None:
        raise NoticeError(
            "找不到通知的年份：请从标题「国务院办公厅关于YYYY年部分节假日安排的通知」起完整粘贴。"
        )
    year = int(year_match.group(1) or year_match.group(2))
    off: dict[date, str] = {}
    work: set[date] = set()
    names: list[str] = []
    for number, (line, raw) in enumerate(zip(plain, lines, strict=True), start=1):
        item = _ITEM.match(line)
        if not item:
            continue
        name = item.group(2).strip()
        names.append(name)
        try:
            for sentence in filter(None, (s.strip() for s in item.group(3).split("。"))):
                if sentence.startswith("鼓励"):
                    continue  # advice (带薪年休假, 除夕休息), no day changes
                if sentence.endswith("上班"):
                    work |= _work(sentence, year, name)
                elif "放假" in sentence:
                    off.update(_off(sentence, year, name))
                else:
                    raise ValueError("既不是放假也不是上班安排")
        except ValueError as exc:
            raise _refuse(number, raw, str(exc)) from None
    missing = [h for h in HOLIDAYS if not any(h in n for n in names)]
    if missing:
        raise NoticeError(
            f"{year} 年通知不完整，缺少：{'、'.join(missing)}。未导入任何日期；请粘贴通知全文。"
        )
    if clash := sorted(off.keys() & work):
        raise NoticeError(f"{clash[0].isoformat()} 既写作放假又写作上班，请核对通知原文。")
    title = f"国务院办公厅关于{year}年部分节假日安排的通知"
    return Notice(year, title, off, frozenset(work))

"""Reading 督办 立项 lines: ``key=value`` fields or ``<单位> <期限> <标题…>``, and 期限 as a date
or an amount (10工作日, 30日, 2个月) counted by the deadline engine."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.config.rules import TimeRule
from bot.core.args import parse_date
from bot.core.clock import LocalTime
from bot.core.errors import UserError
from bot.core.fields import Form, split_list
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import compute
from models.supervision.records import CADENCES, SOURCES

USAGE = (
    "用法：/task_new 标题=… 单位=承办单位 期限=2026-12-10 或 10工作日 "
    "[来源=常务会] [领导=李明] [协办=县林业局,城关镇] [反馈=每周|每两周|每月] [内容=…]\n"
    "或简写：督办 立项 县水利局 10工作日 清理河道淤积"
)
FORM = Form(
    {
        "title": ("标题", "title"),
        "unit": ("单位", "承办单位", "unit"),
        "due": ("期限", "due"),
        "source": ("来源", "source"),
        "leader": ("领导", "牵头领导", "leader"),
        "co": ("协办", "协办单位", "co"),
        "cadence": ("反馈", "cadence"),
        "content": ("内容", "content"),
    },
    ("unit", "due", "title"),
    USAGE,
)
_AMOUNT = re.compile(r"^(\d{1,3})\s*个?(工作日|自然日|日|天|月|小时)$")
_UNITS = {
    "工作日": "工作日",
    "自然日": "自然日",
    "日": "自然日",
    "天": "自然日",
    "月": "月",
    "小时": "小时",
}
_CADENCE_WORDS = {
    "每周": "每周",
    "周": "每周",
    "weekly": "每周",
    "每两周": "每两周",
    "双周": "每两周",
    "biweekly": "每两周",
    "每月": "每月",
    "月": "每月",
    "monthly": "每月",
}


@dataclass
class NewTask:
    """A 立项 request as typed."""

    title: str = ""
    unit: str = ""
    due: str = ""
    source: str = "上级交办"
    leader: str = ""
    co: list[str] = field(default_factory=list)
    cadence: str = "每周"
    content: str = ""


def parse_new(text: str) -> NewTask:
    """Read the line after ``/task new``.

    Raises:
        UserError: a missing title, unit or 期限, or an unknown 来源 / 反馈, with the usage.
    """
    values = FORM.parse(text)
    FORM.require(values, {"title": "标题", "unit": "单位", "due": "期限"})
    task = NewTask(co=split_list(values.pop("co", "")))
    cadence = values.pop("cadence", task.cadence)
    for name, value in values.items():
        setattr(task, name, value)
    if cadence.lower() not in _CADENCE_WORDS:
        raise UserError(f"反馈周期「{cadence}」不对，可选：{'、'.join(CADENCES)}")
    task.cadence = _CADENCE_WORDS[cadence.lower()]
    if task.source not in SOURCES:
        raise UserError(f"来源「{task.source}」不对，可选：{'、'.join(SOURCES)}")
    return task


def amount_rule(text: str) -> TimeRule | None:
    """The limit when a 期限 is typed as an amount (``10工作日``); None for a date.

    Raises:
        UserError: zero, or hours.
    """
    amount = _AMOUNT.match(text.strip())
    if amount is None:
        return None
    unit = _UNITS[amount.group(2)]
    if int(amount.group(1)) == 0:
        raise UserError("期限至少为 1，例如 10工作日")
    if unit == "小时":
        raise UserError("督办期限以日计，请写日期或 N工作日 / N日 / N个月")
    return TimeRule(
        name="督办事项办理期限",
        domain="督办",
        amount=int(amount.group(1)),
        unit=unit,  # type: ignore[arg-type]
        source="立项时逐项确定",
    )


def due_from(
    text: str, now: datetime, local: LocalTime, cal: WorkCalendar
) -> tuple[date, list[str]]:
    """The last day for a 期限 typed as a date or as an amount from today (次日起算).

    Raises:
        UserError: neither form, or a day already past.
    """
    today = now.astimezone(local.tz).date()
    rule = amount_rule(text)
    if rule is not None:
        found = compute(now, rule, cal, local.tz)
        return found.last_day or today, list(found.warnings)
    try:
        day = parse_date(text, today)
    except ValueError as exc:
        raise UserError(f"期限「{text}」有误：{exc}，或写 10工作日 / 30日 / 2个月") from None
    if day < today:
        raise UserError(f"期限 {day.isoformat()} 已经过去，请写今天或以后的日期")
    warnings = [w for w in [cal.warning(day.year)] if w]
    if not cal.is_workday(day):
        warnings.append(f"{day.isoformat()} 不是工作日，请确认期限")
    return day, warnings

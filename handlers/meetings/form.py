"""Reading 会议 新建 and 会议 变更 lines: ``<类别> <时间> <名称> 地点=… 议题=… 参会=… 材料=…
材料截止=…``, times as people type them (明天 9:00, 2026-12-01 09:00). A meeting registered only
for its decisions keeps the old short form ``<类别> <日期> <名称>``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.core import secrecy
from bot.core.args import parse_date
from bot.core.clock import LocalTime
from bot.core.errors import UserError
from bot.core.fields import Form, split_list
from bot.core.when import HINT, split_when

USAGE = (
    "用法：会议 新建 专题会议 2026-12-01 09:00 防汛工作专题会 地点=三楼会议室 议题=汛期准备 "
    "参会=县水利局,王刚 [材料=县水利局] [材料截止=2026-11-30 17:00]\n"
    "（参会可写姓名或单位，单位由其领导参会，无领导时由联络员参会）"
)
CHANGE_USAGE = (
    "用法：会议 变更 编号 [时间=2026-12-01 10:00] [地点=…] [议题=…] [名称=…] "
    "[材料截止=…] [参会=追加的姓名或单位]"
)
KEYS = {
    "time": ("时间", "time"),
    "title": ("名称", "标题", "title"),
    "place": ("地点", "place"),
    "topics": ("议题", "topics"),
    "people": ("参会", "参会人", "参会单位", "attendees"),
    "owing": ("材料", "报送", "materials"),
    "materials_due": ("材料截止", "截止", "materials_due"),
}
NEW = Form(KEYS, ("kind", "rest"), USAGE)
CHANGE = Form(KEYS, (), CHANGE_USAGE)
_CLOCKISH = re.compile(r"^\d{1,2}[:：点]")
LABELS = {
    "time": "时间",
    "title": "名称",
    "place": "地点",
    "topics": "议题",
    "materials_due": "材料截止",
    "people": "参会人",
}


@dataclass
class MeetingForm:
    """A 新建 or 变更 line as typed, checked; fields left empty were not given."""

    kind: str = ""
    title: str = ""
    held_on: date | None = None
    starts_at: datetime | None = None
    place: str = ""
    topics: str = ""
    people: list[str] = field(default_factory=list)
    owing: list[str] = field(default_factory=list)
    materials_due: datetime | None = None
    given: list[str] = field(default_factory=list)


def moment(text: str, now: datetime, tz: LocalTime, label: str) -> datetime:
    """A future moment typed alone (明天 9:00, 2026-12-01 09:00).

    Raises:
        UserError: naming ``label`` and how to write it.
    """
    try:
        found, rest = split_when(text, now, tz)
    except ValueError as exc:
        raise UserError(f"{label}「{text}」有误：{exc}") from None
    if rest:
        raise UserError(f"{label}「{text}」有误：时间后多了「{rest}」。{HINT}")
    return found


def _head(form: MeetingForm, rest: str, now: datetime, tz: LocalTime) -> None:
    """The words after the kind: a time then the name, or (registration only) a date."""
    words = rest.split()
    try:
        form.starts_at, form.title = split_when(rest, now, tz)
    except ValueError as exc:
        if len(words) < 2 or _CLOCKISH.match(words[1]):
            raise UserError(f"会议时间有误：{exc}\n{USAGE}") from None
        try:
            form.held_on = parse_date(words[0], now.astimezone(tz.tz).date())
        except ValueError:
            raise UserError(f"会议时间有误：{exc}\n{USAGE}") from None
        form.title = " ".join(words[1:])


def _fields(form: MeetingForm, values: dict[str, str], now: datetime, tz: LocalTime) -> None:
    if "time" in values:
        form.starts_at = moment(values["time"], now, tz, "会议时间")
    if "materials_due" in values:
        form.materials_due = moment(values["materials_due"], now, tz, "材料截止时间")
    form.title = values.get("title", form.title).strip()[:200]
    form.place = values.get("place", "").strip()[:200]
    form.topics = values.get("topics", "").strip()[:1000]
    form.people = split_list(values.get("people", ""))
    form.owing = split_list(values.get("owing", ""))
    form.given = [k for k in LABELS if values.get(k)]
    found = secrecy.find_any(form.title, form.place, form.topics)
    if found is not None:
        raise UserError(secrecy.refusal(found))


def parse_new(text: str, now: datetime, tz: LocalTime) -> MeetingForm:
    """Read the line after 会议 新建.

    Raises:
        UserError: a missing kind, time or name, a bad time, a marked text, with the usage.
    """
    values = NEW.parse(text)
    NEW.require(values, {"kind": "会议类别", "rest": "时间和名称"})
    form = MeetingForm(kind=values["kind"])
    _head(form, values.get("rest", ""), now, tz)
    _fields(form, values, now, tz)
    if not form.title:
        raise UserError(f"请写会议名称。{USAGE}")
    if form.starts_at is None and (form.people or form.place or form.topics):
        raise UserError(f"要发通知的会议请写开始时刻，例如 2026-12-01 09:00。{USAGE}")
    _check_materials(form)
    return form


def parse_change(text: str, now: datetime, tz: LocalTime) -> MeetingForm:
    """Read the fields after 会议 变更 编号.

    Raises:
        UserError: nothing to change, a bad time, a marked text, with the usage.
    """
    form = MeetingForm()
    _fields(form, CHANGE.parse(text), now, tz)
    if not form.given:
        raise UserError(f"请写要变更的内容。{CHANGE_USAGE}")
    return form


def _check_materials(form: MeetingForm) -> None:
    if form.owing and form.materials_due is None:
        raise UserError("写了报送材料的单位或人员，请同时写 材料截止=时间")
    if form.materials_due and form.starts_at and form.materials_due >= form.starts_at:
        raise UserError("材料截止时间应早于会议开始时间")


def check_materials(starts_at: datetime | None, materials_due: datetime | None) -> None:
    """Refuse a materials deadline at or after the start (a 变更 may move either)."""
    _check_materials(MeetingForm(starts_at=starts_at, materials_due=materials_due))

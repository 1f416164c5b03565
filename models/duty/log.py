"""The 值班日志: calls, documents, instructions and emergencies logged with the fields each kind
needs (值班电话记录簿, docs/rules.md §Duty room). An entry is saved at once; missing fields are
filled in afterwards, so nothing typed is ever lost."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core import phones
from bot.core.args import parse_date
from bot.core.clock import LocalTime
from bot.core.errors import UserError
from bot.store.base import Base, JSONText
from models.directory.users import User

KINDS = {
    "来电": "call",
    "来文": "doc",
    "上级指令": "order",
    "突发": "incident",
    "其他": "other",
}
FIELDS = {
    "occurred": "时间",
    "place": "地点",
    "caller_org": "单位",
    "caller_name": "姓名",
    "caller_phone": "电话",
    "notified": "已通知",
    "actions": "措施",
}
PROMPTS = {
    "occurred": "请补充时间（例如 9:30 或 今天 9:30）：",
    "place": "请补充地点：",
    "caller_org": "请补充对方单位（来电/来文/下达单位）：",
    "caller_name": "请补充对方姓名及职务：",
    "caller_phone": "请补充对方联系电话：",
    "notified": "已通知哪些领导、单位，何时通知？（没有请回复「无」）",
    "actions": "已采取哪些措施？（没有请回复「无」）",
}
_EVERY_FIELD = tuple(FIELDS)  # a call or an emergency needs all of them
REQUIRED: dict[str, tuple[str, ...]] = {
    "来电": _EVERY_FIELD,
    "来文": ("caller_org", "occurred"),
    "上级指令": ("caller_org", "caller_name", "occurred", "notified"),
    "突发": _EVERY_FIELD,
    "其他": (),
}
_INLINE = re.compile(r"(时间|地点|单位|姓名|电话|已通知|措施)[=＝:：]\s*(\S+)")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
_LABEL = re.compile(r"^\s*(?:时间|接报)\s*[=＝:：]\s*")
_WHEN = re.compile(r"^(.*\D)?(\d{1,2})\s*[:：点时]\s*(\d{1,2})?\s*分?$")
TIME_HINT = "时间请写作 9:30、昨天 23:50 或 2026-12-07 09:30"


class DutyLog(Base):
    """One entry of the duty log."""

    __tablename__ = "duty_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("duty_slots.id"), default=None)
    kind: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text)
    occurred: Mapped[str | None] = mapped_column(String(50), default=None)
    place: Mapped[str | None] = mapped_column(String(100), default=None)
    caller_org: Mapped[str | None] = mapped_column(String(100), default=None)
    caller_name: Mapped[str | None] = mapped_column(String(50), default=None)
    caller_phone: Mapped[str | None] = mapped_column(String(30), default=None)
    notified: Mapped[str | None] = mapped_column(Text, default=None)
    actions: Mapped[str | None] = mapped_column(Text, default=None)
    category: Mapped[str | None] = mapped_column(String(20), default=None)
    severity: Mapped[str | None] = mapped_column(String(10), default=None)
    keywords: Mapped[Any] = mapped_column(JSONText, default=None)
    recorder_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(index=True)
    # 时间 read as a moment (the 接报 time of a call), when it could be read.
    occurred_at: Mapped[datetime | None] = mapped_column(default=None)

    recorder: Mapped[User] = relationship(lazy="joined")

    def missing(self) -> list[str]:
        """Required fields of this kind still empty, in asking order."""
        return [f for f in REQUIRED.get(self.kind, ()) if not getattr(self, f)]

    def describe(self, tz: LocalTime) -> str:
        """One entry as the log shows it."""
        head = f"#{self.id} {tz.fmt(self.recorded_at)[11:]} 【{self.kind}】{self.summary}"
        extra = [f"{label}：{getattr(self, f)}" for f, label in FIELDS.items() if getattr(self, f)]
        if self.category:
            extra.append(f"分类：{self.category}" + (f"/{self.severity}" if self.severity else ""))
        gaps = self.missing()
        if gaps:
            extra.append("缺：" + "、".join(FIELDS[f] for f in gaps))
        extra.append(f"记录人：{self.recorder.name}")
        return head + "\n    " + "；".join(extra)


def strip_label(text: str) -> str:
    """``时间=9:30`` → ``9:30``: an answer may repeat the label it answers."""
    return _LABEL.sub("", text).strip()


def read_time(text: str, now: datetime, tz: LocalTime) -> datetime:
    """The moment (UTC) a 时间 names: ``9:30``, ``9点30``, ``今天 9:30``, ``昨天 23:50``,
    ``12-06 23:50`` or ``2026-12-07 09:30``. A bare time later than now is yesterday's (a call
    logged after midnight).

    Raises:
        ValueError: with a Chinese message when the text is no time, or a time to come.
    """
    found = _WHEN.match(strip_label(text))
    if not found:
        raise ValueError(f"时间「{text}」无法识别，{TIME_HINT}")
    day_text = (found.group(1) or "").strip()
    hour, minute = int(found.group(2)), int(found.group(3) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"时间「{text}」不是有效时刻，{TIME_HINT}")
    local_now = tz.local(now)
    day = local_now.date()
    if day_text:
        try:
            day = parse_date(day_text, day)
        except ValueError:
            raise ValueError(f"时间「{text}」的日期无法识别，{TIME_HINT}") from None
    moment = datetime.combine(day, time(hour, minute), tz.tz)
    if moment > local_now and not day_text:
        moment -= timedelta(days=1)
    if moment > local_now:
        raise ValueError(f"时间「{text}」还没到，请写接报的时间，{TIME_HINT}")
    return moment.astimezone(UTC)


def parse_inline(text: str) -> tuple[str, dict[str, str]]:
    """Take ``时间=9:30 地点=河口乡`` pairs and a phone number out of the text."""
    labels = {label: name for name, label in FIELDS.items()}
    values = {
        labels[m.group(1)]: field_value(labels[m.group(1)], m.group(2))
        for m in _INLINE.finditer(text)
    }
    rest = _INLINE.sub("", text).strip()
    phone = _PHONE.search(rest)
    if phone and "caller_phone" not in values:
        values["caller_phone"] = phones.optional(phone.group(1))
    return re.sub(r"\s+", " ", rest), values


def field_value(name: str, text: str) -> str:
    """``text`` as field ``name`` keeps it: a phone in its plain form, nothing over the column.

    Raises:
        UserError: a malformed phone, or a text longer than the field holds (both with the fix).
    """
    if name == "caller_phone":
        try:
            return phones.normalize(text)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    limit = getattr(DutyLog.__table__.c[name].type, "length", None)
    if limit is not None and len(text) > limit:
        raise UserError(f"「{FIELDS[name]}」最多 {limit} 字（现 {len(text)} 字），请精简后重发")
    return text


async def on_day(session: AsyncSession, tz: LocalTime, day: date) -> list[DutyLog]:
    """Entries recorded on a local day, oldest first."""
    start = tz.start_of_day(day)
    query = (
        select(DutyLog)
        .where(DutyLog.recorded_at >= start, DutyLog.recorded_at < start + timedelta(days=1))
        .order_by(DutyLog.id)
    )
    return list(await session.scalars(query))

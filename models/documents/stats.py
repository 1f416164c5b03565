"""Monthly 办文 figures: documents by kind, average 传阅 time per leader, overdue 办件 per unit,
and the same as workbook sheets."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import raiseload

from bot.core import exports
from bot.core.errors import UserError
from models.documents.records import Document, DocumentReader


@dataclass
class MonthFigures:
    """One month's figures (documents received in the month; readings finished in it)."""

    month: str
    kinds: Counter[tuple[str, str]] = field(default_factory=Counter)
    # leader → hours each reading took (sent → 已阅/批示)
    reading: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # unit → (办件 due in the month, of them answered late or still open past the limit)
    units: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    overdue: list[Document] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Documents received in the month."""
        return sum(self.kinds.values())

    def average_hours(self) -> list[tuple[str, int, float]]:
        """(leader, readings, average hours), slowest first."""
        rows = [(name, len(h), sum(h) / len(h)) for name, h in self.reading.items() if h]
        return sorted(rows, key=lambda r: (-r[2], r[0]))

    def sheets(self, tz: ZoneInfo) -> list[tuple[str, list[list[object]]]]:
        """Workbook sheets 文种, 传阅用时, 超期办件 (cells go through bot.core.exports)."""
        kinds: list[list[object]] = [["方向", "文种", "件数"]]
        kinds += [[d, k, n] for (d, k), n in sorted(self.kinds.items())]
        reading: list[list[object]] = [["领导", "阅件次数", "平均用时（小时）"]]
        reading += [[name, n, round(hours, 1)] for name, n, hours in self.average_hours()]
        units: list[list[object]] = [["承办单位", "本月到期办件", "超期"]]
        units += [[u, due, late] for u, (due, late) in sorted(self.units.items())]
        units.append([])
        units.append(["编号", "文号", "标题", "承办单位", "期限", "状态"])
        units += [
            [d.id, d.number, d.title, d.org.name if d.org else "", d.due_date, d.status]
            for d in self.overdue
        ]
        return [("文种", kinds), ("传阅用时", reading), ("超期办件", units)]


_MONTH = re.compile(r"^(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*月?$")


def parse_month(text: str, today: date) -> date:
    """The month's first day from 2026-11, 2026年11月 or 11月 (empty: this month).

    Raises:
        UserError: not a month.
    """
    if not text.strip():
        return today.replace(day=1)
    found = _MONTH.match(unicodedata.normalize("NFKC", text.strip()))
    month = int(found.group(2)) if found else 0
    if found is None or not 1 <= month <= 12:
        raise UserError(f"月份「{text}」看不懂，请写 2026-11 或 11月")
    year = int(found.group(1) or today.year)
    if not 1949 <= year <= today.year + 1:
        raise UserError(f"月份「{text}」的年份不对，请写 2026-11 或 11月")
    return date(year, month, 1)


def month_bounds(month: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, local midnight, as UTC."""
    start = datetime(month.year, month.month, 1, tzinfo=tz)
    end = (start + timedelta(days=32)).replace(day=1)
    return start.astimezone(UTC), end.astimezone(UTC)


def _late(doc: Document, today: date, tz: ZoneInfo) -> bool:
    if doc.due_date is None:
        return False
    if doc.replied_at is not None:
        return doc.replied_at.astimezone(tz).date() > doc.due_date
    return doc.archived_at is None and today > doc.due_date


async def figures(session: AsyncSession, month: date, tz: ZoneInfo, today: date) -> MonthFigures:
    """The month's figures, as of ``today`` for 办件 still open."""
    start, end = month_bounds(month, tz)
    found = MonthFigures(month.strftime("%Y-%m"))
    received = (
        select(Document.direction, Document.kind, func.count())
        .where(Document.received_at >= start, Document.received_at < end)
        .group_by(Document.direction, Document.kind)
    )
    for direction, kind, count in await session.execute(received):
        found.kinds[(direction, kind)] = count
    readings = select(DocumentReader).where(
        DocumentReader.done_at >= start, DocumentReader.done_at < end
    )
    for reader in await session.scalars(readings):
        if reader.sent_at is not None and reader.done_at is not None:
            hours = (reader.done_at - reader.sent_at).total_seconds() / 3600
            found.reading[reader.user.name].append(hours)
    first, last = start.astimezone(tz).date(), (end.astimezone(tz) - timedelta(days=1)).date()
    tasks = (
        select(Document)
        .where(Document.mode == "办件", Document.due_date >= first, Document.due_date <= last)
        .options(raiseload(Document.readers), raiseload(Document.events))  # never read here
    )
    for doc in await session.scalars(tasks.order_by(Document.id)):
        name = doc.org.name if doc.org else "（未指定）"
        found.units[name][0] += 1
        if _late(doc, today, tz):
            found.units[name][1] += 1
            found.overdue.append(doc)
    return found


def workbook(found: MonthFigures, tz: ZoneInfo) -> bytes:
    """The month's figures as an xlsx workbook."""
    return exports.workbook(found.sheets(tz))

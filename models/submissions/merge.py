"""The merged result of a task: the units' texts in the order they were named as an official
Word document, and a roster task's rows as one table (the xlsx via bot/core/exports.py)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.core import exports, official_doc
from bot.core.privacy import mask_phone
from models.submissions.collect import UnitState
from models.submissions.records import Task

DOCX_TYPE = official_doc.MIME
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_HEADER = ("单位", "日期", "班次", "带班领导", "值班人员", "值班电话")
_NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """``三``, ``十二``, ``二十一``: the 一、二、 of official headings."""
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _NUMERALS[tens - 1]
    return head + "十" + (_NUMERALS[ones - 1] if ones else "")


@dataclass(frozen=True, slots=True)
class Merged:
    """What the organiser gets: who sent what (in order), and who is late or missing."""

    task: Task
    sent: list[UnitState]
    late: list[str]
    missing: list[str]


def merged(task: Task, states: list[UnitState]) -> Merged:
    """Split the units' standing into sent (in order), late and missing."""
    sent = [s for s in states if s.entry is not None]
    late = [s.unit.org_name for s in states if s.late]
    missing = [s.unit.org_name for s in states if s.entry is None]
    return Merged(task, sent, late, missing)


def document(found: Merged, issuer: str, today: date) -> official_doc.OfficialDoc:
    """The merged submissions as an official document: one section per unit, then the list of
    units late or missing."""
    sections = [
        official_doc.Section(
            heading=f"{numeral(n)}、{s.unit.org_name}",
            paragraphs=[p for p in (s.entry.text if s.entry else "").splitlines() if p.strip()],
            table=[list(TABLE_HEADER[1:]), *s.entry.rows] if s.entry and s.entry.rows else (),
        )
        for n, s in enumerate(found.sent, start=1)
    ]
    closing = [f"逾期未报或迟报单位：{'、'.join(found.late)}"] if found.late else []
    return official_doc.OfficialDoc(
        masthead="信息报送汇总",
        number=f"第{found.task.id}号",
        title=found.task.title,
        sections=sections,
        issuer=issuer,
        dated=today,
        extra=closing,
    )


def render_docx(found: Merged, issuer: str, today: date) -> bytes:
    """The .docx bytes (python-docx, off the event loop when used as a render)."""
    return official_doc.render(document(found, issuer, today))


def table(states: list[UnitState], *, unmasked: bool) -> list[list[str]]:
    """A roster task's rows from every unit, by date then shift, header first; phones masked
    unless this audience may read them (bot/core/privacy.py)."""
    rows = [
        [s.unit.org_name, *row[:4], row[4] if unmasked else mask_phone(row[4])]
        for s in states
        if s.entry is not None
        for row in s.entry.rows
    ]
    rows.sort(key=lambda r: (r[1], r[2], r[0]))
    return [list(TABLE_HEADER), *rows]


def render_xlsx(rows: list[list[str]]) -> bytes:
    """The table as one xlsx sheet, every cell through bot/core/exports.py."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "值班表.xlsx"
        exports.save(path, "值班表", rows)
        return path.read_bytes()

"""Ticket files (xlsx/csv): Chinese column headers, row-level errors, all rows or none."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from bot.core.context import WorkContext
from bot.core.errors import UserError
from bot.core.spreadsheets import read_rows
from models.tickets.ingest import LABELS, TicketIn, field_errors
from models.tickets.intake import Taken, take

# Header → field; the English field names are accepted too.
HEADERS = {label: name for name, label in LABELS.items() if name != "lead_org"}
REQUIRED = ("工单编号", "类别", "诉求内容", "受理时间")
_LISTS = ("co_units",)
_SPLIT = ("、", "，", ",", ";", "；")


@dataclass(frozen=True, slots=True)
class Summary:
    """What an import did."""

    rows: int
    created: int
    updated: int
    unchanged: int
    duplicates: int
    taken: tuple[Taken, ...] = field(default=(), repr=False)
    """Each row's ticket, in file order: the caller tells whom they concern."""

    def __str__(self) -> str:
        return (
            f"已导入 {self.rows} 行：新建 {self.created} 张，更新 {self.updated} 张，"
            f"无变化 {self.unchanged} 张；疑似重复 {self.duplicates} 张（已提示 12345 工作台）"
        )


def _columns(header: list[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for index, title in enumerate(header):
        name = HEADERS.get(title.strip()) or (title.strip() if title.strip() in LABELS else None)
        if name:
            found[index] = name
    missing = [h for h in REQUIRED if HEADERS[h] not in found.values()]
    if missing:
        raise UserError(
            f"表头缺少列：{'、'.join(missing)}。可用列：{'、'.join(HEADERS)}（第一行为表头）"
        )
    return found


def _value(name: str, cell: str) -> object:
    if name in _LISTS:
        for sep in _SPLIT:
            cell = cell.replace(sep, " ")
        return cell.split()
    if name == "typical":
        return cell in ("是", "true", "True", "1", "Y", "y")
    return cell


def parse_rows(rows: list[list[str]]) -> list[tuple[int, TicketIn]]:
    """Validated tickets with their line numbers; every bad row named, then nothing taken."""
    if not rows:
        raise UserError("文件是空的：第一行应为表头，如 工单编号、类别、诉求内容、受理时间 …")
    columns = _columns(rows[0])
    items: list[tuple[int, TicketIn]] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        data = {
            name: _value(name, row[i].strip())
            for i, name in columns.items()
            if i < len(row) and row[i].strip()
        }
        try:
            item = TicketIn.model_validate(data)
        except ValidationError as exc:
            problems += [f"第{line}行：{p}" for p in field_errors(exc)]
            continue
        if item.number in seen:
            problems.append(f"第{line}行：工单编号 {item.number} 与第{seen[item.number]}行重复")
            continue
        seen[item.number] = line
        items.append((line, item))
    if problems:
        raise UserError("导入失败，未导入任何工单：\n" + "\n".join(problems))
    return items


async def import_file(ctx: WorkContext, path: Path) -> Summary:
    """Take every row of ``path`` in this transaction, or raise with each bad row."""
    items = parse_rows(read_rows(path))
    counts: Counter[str] = Counter()
    problems = []
    done = []
    for line, item in items:
        try:
            taken = await take(ctx, item, client="import")
        except UserError as exc:
            problems.append(f"第{line}行：{exc.message}")
            continue
        done.append(taken)
        counts[taken.outcome] += 1
        counts["duplicates"] += bool(taken.duplicates)
    if problems:
        raise UserError("导入失败，未导入任何工单：\n" + "\n".join(problems))
    return Summary(
        len(items),
        counts["created"],
        counts["updated"],
        counts["unchanged"],
        counts["duplicates"],
        tuple(done),
    )

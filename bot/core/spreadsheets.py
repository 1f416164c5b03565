"""Rows of an uploaded .xlsx or .csv file as text, for the import commands of every feature.

Every cell is checked for a 密级 marking as the file is read, before any feature sees a row:
a marked file is refused whole, each marked cell named by row and column.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

from bot.core import secrecy
from bot.core.errors import UserError

MAX_NAMED = 20  # marked cells listed one by one; beyond that, counted


def read_rows(path: Path) -> list[list[str]]:
    """The rows of a .xlsx or .csv file as text, header included.

    Raises:
        UserError: the file cannot be read, or its name or a cell carries a 密级 marking.
    """
    rows = _read(path)
    _refuse_markings(path.name, rows)
    return rows


def _refuse_markings(name: str, rows: list[list[str]]) -> None:
    header = rows[0] if rows else []
    problems = [f"文件名含密级标识（{found.reason}）"] if (found := secrecy.find(name)) else []
    for number, row in enumerate(rows, start=1):
        for index, cell in enumerate(row):
            if (found := secrecy.find(cell)) is None:
                continue
            title = header[index] if number > 1 and index < len(header) else ""
            plain = title and secrecy.find(title) is None
            column = f"「{title}」列" if plain else f"第{index + 1}列"
            problems.append(f"第{number}行：{column}含密级标识（{found.reason}）")
    if not problems:
        return
    more = f"\n……共 {len(problems)} 处" if len(problems) > MAX_NAMED else ""
    raise UserError(
        "文件含密级标识，按「涉密不上网、上网不涉密」的规定未导入任何内容，"
        "涉密事项请通过机要渠道办理：\n" + "\n".join(problems[:MAX_NAMED]) + more
    )


def _read(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if not path.exists():
        raise UserError(f"找不到文件 {path}")
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [[cell.strip() for cell in row] for row in csv.reader(handle)]
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    raise UserError(f"无法读取 {path.name}：请上传 .xlsx 或 .csv 格式的文件")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        # a date cell stays a date; a cell with a time of day (受理时间) keeps it
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()

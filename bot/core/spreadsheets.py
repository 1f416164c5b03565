"""Rows of an uploaded .xlsx or .csv file as text, for the import commands of every feature."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

from bot.core.errors import UserError


def read_rows(path: Path) -> list[list[str]]:
    """The rows of a .xlsx or .csv file as text, header included."""
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

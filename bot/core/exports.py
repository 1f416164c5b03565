"""Cells of every exported workbook and CSV file, written so that Excel never runs them.

A text that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) is
what Excel takes for a formula: a broadcast text ``=HYPERLINK("http://…","点我确认")`` would come
out as a live link. Following the OWASP guidance on CSV injection, such a text is written with a
leading ``'``, which Excel shows as plain text. Numbers and dates stay numbers and dates, and
control characters (which openpyxl refuses and Excel cannot show) are dropped.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from io import BytesIO
from pathlib import Path

from bot.core.errors import UserError
from bot.core.inbound import clean
from bot.core.private_files import touch_private

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value: object) -> object:
    """``value`` as it may be written to a cell: a text that Excel would run is quoted."""
    if not isinstance(value, str):
        return value
    text = clean(value)  # first: "\x1f=1" would start with "=" once cleaned
    return "'" + text if text.startswith(_FORMULA_START) else text


def row(values: Iterable[object]) -> list[object]:
    """Every cell of a row through :func:`cell`."""
    return [cell(value) for value in values]


def save(path: Path, title: str, rows: Iterable[Sequence[object]]) -> None:
    """Write ``rows`` to ``path``: .csv (UTF-8 with BOM, which Excel reads) or one sheet of .xlsx.

    Raises:
        UserError: ``path`` ends neither in .csv nor in .xlsx.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UserError("输出文件应以 .csv 或 .xlsx 结尾")
    touch_private(path)  # owner-only whatever the umask: exports name people
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(row(values) for values in rows)
        return
    path.write_bytes(workbook([(title, rows)]))


def workbook(sheets: Iterable[tuple[str, Iterable[Sequence[object]]]]) -> bytes:
    """An xlsx workbook of named sheets, every cell through :func:`cell` (a chat attachment)."""
    from openpyxl import Workbook  # only when a workbook is asked for

    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for values in rows:
            sheet.append(row(values))
    out = BytesIO()
    book.save(out)
    return out.getvalue()

"""Rows of an uploaded .xlsx or .csv file as text, for the import commands of every feature.

Every cell is checked for a 密级 marking as the file is read, before any feature sees a row:
a marked file is refused whole, each marked cell named by row and column. A file that cannot be
read (truncated, empty, not a zip, an unknown text encoding) is answered with one Chinese line
naming the file and the fix; control characters are dropped from every cell; a CSV in GBK/GB18030
(what Excel saves on Chinese Windows) is read as such. A formula in an .xlsx cell is never
evaluated nor taken: the file is refused, naming the cells, so that what is imported is what a
person sees, never what a formula would compute.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import logging
from datetime import date, datetime
from pathlib import Path

from bot.core import inbound, secrecy
from bot.core.errors import UserError

log = logging.getLogger("dutybot.spreadsheets")
MAX_NAMED = 20  # marked cells listed one by one; beyond that, counted
# what Excel and WPS save a CSV as: UTF-8 and UTF-16, or the Chinese Windows code page
_ENCODINGS = ("utf_8", "utf_16", "gb18030", "big5")
_RESAVE_CSV = "请在 Excel 中「另存为」→「CSV UTF-8（逗号分隔）」后重新导入，或改传 .xlsx 文件"


class MarkedFile(UserError):
    """The file's name or a cell carries a 密级 marking (nothing of it may be kept)."""


def read_rows(path: Path) -> list[list[str]]:
    """The rows of a .xlsx or .csv file as text, header included.

    Raises:
        UserError: the file cannot be read, or its name or a cell carries a 密级 marking.
    """
    if not path.is_file():
        raise UserError(f"找不到文件 {path}")
    return read_data(path.read_bytes(), path.name)


def read_data(data: bytes, name: str) -> list[list[str]]:
    """The rows of a .xlsx or .csv file's bytes (one sent in chat), as :func:`read_rows`.

    Raises:
        MarkedFile: the name or a cell carries a 密级 marking.
        UserError: the file cannot be read.
    """
    rows = _read(data, name)
    _refuse_markings(name, rows)
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
    raise MarkedFile(
        "文件含密级标识，按「涉密不上网、上网不涉密」的规定未导入任何内容，"
        "涉密事项请通过机要渠道办理：\n" + "\n".join(problems[:MAX_NAMED]) + more
    )


def _read(data: bytes, name: str) -> list[list[str]]:
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UserError(f"无法读取 {name}：请上传 .xlsx 或 .csv 格式的文件")
    if not data:
        raise UserError(f"{name} 是空文件，请确认文件已保存完整后重新导入")
    rows = _read_csv(data, name) if suffix == ".csv" else _read_xlsx(data, name)
    rows = [[inbound.clean(cell) for cell in row] for row in rows]
    if not any(any(row) for row in rows):
        raise UserError(f"{name} 没有任何内容，请确认填写的是第一张工作表后重新导入")
    return rows


def _read_csv(data: bytes, name: str) -> list[list[str]]:
    text = decode(data, name)
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error:  # a cell over the csv module's limit, a stray quote …
        raise UserError(
            f"无法读取 {name}：CSV 格式有误（单元格过长或引号不成对）。{_RESAVE_CSV}"
        ) from None


def decode(data: bytes, name: str) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), UTF-16, or GBK/GB18030 as Excel on
    Chinese Windows saves it, detected by charset-normalizer among those encodings only.

    Raises:
        UserError: none of them fits.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16")):
        if data.startswith(bom) or (encoding == "utf-16" and data.startswith(codecs.BOM_UTF16_BE)):
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode(encoding)
    with contextlib.suppress(UnicodeDecodeError):
        return data.decode("utf-8")
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(_ENCODINGS)).best()
    if best is None:
        raise UserError(f"无法识别 {name} 的文字编码。{_RESAVE_CSV}")
    return str(best)


def _read_xlsx(data: bytes, name: str) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        # data_only=False so that a formula is seen as one (and refused), never evaluated
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # BadZipFile, InvalidFileException, KeyError, XML errors …
        log.info("unreadable workbook %s", name, exc_info=True)
        raise UserError(
            f"无法读取 {name}：文件已损坏或不是 Excel .xlsx 文件。"
            "请用 Excel 或 WPS 打开确认内容完整，再「另存为」.xlsx 后重新导入"
        ) from None
    try:
        if not book.worksheets:
            raise UserError(f"{name} 没有工作表，请确认文件内容后重新导入")
        rows, formulas = [], []
        for number, row in enumerate(book.worksheets[0].iter_rows(), start=1):
            rows.append([_cell(cell.value) for cell in row])
            formulas += [
                f"第{number}行第{index}列"
                for index, cell in enumerate(row, start=1)
                if getattr(cell, "data_type", "") == "f"
            ]
    except UserError:
        raise
    except Exception:  # a part of the zip missing or broken midway
        log.info("unreadable workbook %s", name, exc_info=True)
        raise UserError(
            f"无法读取 {name}：文件内容不完整。请用 Excel 或 WPS 打开后「另存为」.xlsx 再导入"
        ) from None
    finally:
        book.close()
    if formulas:
        more = f"……共 {len(formulas)} 处" if len(formulas) > MAX_NAMED else ""
        cells = "、".join(formulas[:MAX_NAMED]) + more
        raise UserError(
            f"{name} 含公式，为安全起见未导入任何内容（{cells}）。"
            "请在 Excel 中复制这些单元格后「选择性粘贴 → 数值」，保存后重新导入"
        )
    return rows


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

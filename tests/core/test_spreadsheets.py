"""Reading an uploaded .xlsx or .csv: broken files, text encodings, formulas, control characters,
and any bytes at all — rows, or one Chinese line naming the file and the fix."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.errors import UserError
from bot.core.spreadsheets import read_rows
from tests.support import write_xlsx

HEADER = ["日期", "班次", "带班领导", "值班员", "备班", "电话"]
ROW = ["2027-03-01", "全天", "李明", "张三、赵丽", "", "0571-87654321"]


def _refusal(path: Path) -> str:
    with pytest.raises(UserError) as refused:
        read_rows(path)
    message = refused.value.message
    assert "Traceback" not in message and "\n" not in message
    assert path.name in message
    return message


def _good(tmp_path: Path) -> bytes:
    return write_xlsx(tmp_path / "good.xlsx", HEADER, [ROW]).read_bytes()


def test_a_truncated_workbook_is_one_clear_line(tmp_path: Path) -> None:
    data = _good(tmp_path)
    path = tmp_path / "排班表.xlsx"
    for cut in (len(data) // 2, len(data) - 30, 100):
        path.write_bytes(data[:cut])
        assert "文件已损坏或不是 Excel .xlsx 文件" in _refusal(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "是空文件"),
        ("日期,班次\n".encode(), "文件已损坏或不是 Excel .xlsx 文件"),  # a CSV renamed
        (b"PK\x03\x04" + b"\x00" * 60, "文件已损坏或不是 Excel .xlsx 文件"),
    ],
)
def test_an_empty_or_foreign_file_named_xlsx(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "工单.xlsx"
    path.write_bytes(content)
    assert expected in _refusal(path)


def test_a_zip_without_a_workbook_inside(tmp_path: Path) -> None:
    path = tmp_path / "工单.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "不是工作簿")
    assert "文件已损坏或不是 Excel .xlsx 文件" in _refusal(path)


def test_a_workbook_missing_a_part_reads_as_broken(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    _good(tmp_path)
    path = tmp_path / "缺页.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
    assert "缺页.xlsx 没有工作表" in _refusal(path)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8", "utf-16"])
def test_a_csv_in_any_encoding_excel_saves(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "排班表.csv"
    text = "\r\n".join(",".join(row) for row in (HEADER, ROW)) + "\r\n"
    path.write_bytes(text.encode(encoding))
    assert read_rows(path) == [HEADER, ROW]


def test_a_csv_in_no_known_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes(bytes(range(0x80, 0x100)) * 4)
    assert "无法识别 名单.csv 的文字编码" in _refusal(path)


def test_a_formula_refuses_the_file_naming_its_cells(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["2027-03-01", "全天", "李明", "张三", "", '=HYPERLINK("http://x.example","点我")'],
        ["=A2+1", "全天", "李明", "张三", "", ""],
    ]
    path = write_xlsx(tmp_path / "公式.xlsx", HEADER, rows)
    message = _refusal(path)
    assert "含公式" in message and "第2行第6列、第3行第1列" in message
    assert "选择性粘贴 → 数值" in message


def test_control_characters_leave_every_cell(tmp_path: Path) -> None:
    path = tmp_path / "表.csv"
    path.write_text("日期,姓名\n2027-03-01,张\x00三\x1b\n", encoding="utf-8")
    assert read_rows(path) == [["日期", "姓名"], ["2027-03-01", "张三"]]


def test_a_file_with_only_empty_cells_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "空表.csv"
    path.write_text(",,\n,,\n", encoding="utf-8")
    assert "没有任何内容" in _refusal(path)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(st.binary(max_size=600), st.text(max_size=200).map(str.encode)),
    suffix=st.sampled_from([".xlsx", ".csv"]),
)
def test_any_bytes_give_rows_or_one_clear_line(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"upload{suffix}"
    path.write_bytes(data)
    try:
        rows = read_rows(path)
    except UserError as exc:
        assert "Traceback" not in exc.message
        assert path.name in exc.message or "密级" in exc.message
        return
    assert all(isinstance(cell, str) for row in rows for cell in row)
    assert not any("\x00" in cell for row in rows for cell in row)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(min_value=0, max_value=4000), flip=st.integers(min_value=0, max_value=4000))
def test_any_damaged_workbook_gives_rows_or_one_clear_line(
    tmp_path: Path, cut: int, flip: int
) -> None:
    data = bytearray(_good(tmp_path))
    if flip < len(data):
        data[flip] ^= 0xFF
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data[: max(cut, 1)]))
    try:
        read_rows(path)
    except UserError as exc:
        assert "damaged.xlsx" in exc.message and "\n" not in exc.message

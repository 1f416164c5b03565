"""The shared export cell writer (no cell Excel would run) and the shared phone validator."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from bot.core import exports, phones
from bot.core.errors import UserError
from bot.core.inbound import clean

RUNNABLE = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = [
    '=HYPERLINK("http://evil.example","点我确认")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.sampled_from(HOSTILE)))
def test_no_written_text_starts_like_a_formula(text: str) -> None:
    written = exports.cell(text)
    assert isinstance(written, str)
    assert not written.startswith(RUNNABLE)
    # what a person reads is the text itself, behind the quote Excel hides
    assert written in (clean(text), "'" + clean(text))


def test_numbers_and_dates_stay_what_they_are() -> None:
    assert exports.row([-3, 2.5, None]) == [-3, 2.5, None]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(st.one_of(st.text(max_size=30), st.sampled_from(HOSTILE)), min_size=1))
def test_no_cell_of_a_saved_workbook_is_a_formula(tmp_path: Path, texts: list[str]) -> None:
    path = tmp_path / "out.xlsx"
    exports.save(path, "表", [texts])
    cells = next(load_workbook(path).active.iter_rows())
    assert all(cell.data_type != "f" for cell in cells)
    assert not any(str(cell.value or "").startswith(RUNNABLE) for cell in cells)


def test_a_saved_csv_quotes_what_excel_would_run(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    exports.save(path, "表", [["标题", *HOSTILE]])
    with path.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.reader(handle))
    assert row[0] == "标题"
    assert all(value.startswith("'") for value in row[1:])


def test_another_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"\.csv 或 \.xlsx"):
        exports.save(tmp_path / "out.txt", "表", [["a"]])


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0571-87654321", "0571-87654321"),
        ("(0571) 87654321", "0571-87654321"),
        ("010 12345678", "010-12345678"),
        ("0571-87654321-808", "0571-87654321-808"),
        ("0571-87654321转808", "0571-87654321-808"),
    ],
)
def test_a_phone_as_people_type_it(typed: str, kept: str) -> None:
    assert phones.normalize(typed) == kept


@pytest.mark.parametrize(
    "typed", ["1380000abc", "12345678901", "1381234567", "87654321", "0571-876", "110", "abc"]
)
def test_a_malformed_phone_is_refused_with_an_example(typed: str) -> None:
    with pytest.raises(ValueError, match="格式不对：手机号如 13812345678") as refused:
        phones.normalize(typed)
    assert typed in str(refused.value)


def test_an_empty_optional_phone_is_empty() -> None:
    assert phones.optional(None) == phones.optional("  ") == ""


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_phone_or_a_chinese_refusal(text: str) -> None:
    try:
        kept = phones.normalize(text)
    except ValueError as exc:
        assert "格式不对" in str(exc)
        return
    assert kept.replace("-", "").isascii() and kept.replace("-", "").isdigit() and len(kept) <= 30

"""Roster files (值班表报备) read through bot/core/spreadsheets.py: a good .xlsx, a GBK CSV as
Excel on Chinese Windows saves it, and malformed, oversized or marked files refused with the row
and column named and nothing stored."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.errors import UserError
from models.directory.users import find_user
from models.submissions import collect, roster
from models.submissions.records import Entry
from models.submissions.settings import SubmissionsConfig
from tests.support import write_xlsx

HOLIDAY = (date(2027, 1, 1), date(2027, 1, 3))
TODAY = date(2026, 12, 20)
CFG = SubmissionsConfig()
GOOD = [
    ["2027-01-01", "白班", "李镇长", "吴磊、王五", "13800000009"],
    ["2027-01-02", "全天", "李镇长", "赵六", "0571-87654321"],
]


def read(path: Path, cfg: SubmissionsConfig = CFG) -> list[list[str]]:
    return roster.read_file(path, cfg, HOLIDAY, TODAY)


def test_a_good_workbook_is_read_row_by_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "城关镇值班表.xlsx", list(roster.COLUMNS), [*GOOD])
    assert read(path) == GOOD


def test_a_gbk_csv_from_excel_on_chinese_windows_is_read(tmp_path: Path) -> None:
    path = tmp_path / "河口乡值班表.csv"
    lines = [",".join(roster.COLUMNS), *(",".join(r) for r in GOOD)]
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    assert read(path) == GOOD


def test_a_bad_phone_and_a_missing_leader_are_named_by_row_and_column(tmp_path: Path) -> None:
    rows = [GOOD[0], ["2027-01-02", "全天", "", "赵六", "0571-87654321"], [*GOOD[1][:4], "123"]]
    path = write_xlsx(tmp_path / "值班表.xlsx", list(roster.COLUMNS), rows)
    with pytest.raises(UserError) as refused:
        read(path)
    assert "第3行：「带班领导」列不能为空" in str(refused.value)
    assert "第4行：「值班电话」列" in str(refused.value)


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("值班表.xlsx", b"PK\x03\x04 not really a workbook", "文件已损坏或不是 Excel"),
        ("值班表.docx", b"whatever", "请上传 .xlsx 或 .csv"),
        ("值班表.csv", "日期,班次\n".encode() + bytes(range(128, 256)) * 4, "文字编码"),
    ],
)
def test_malformed_files_are_refused_in_chinese(
    tmp_path: Path, name: str, data: bytes, said: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UserError, match=said):
        read(path)


def test_a_wrong_header_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "值班表.xlsx", ["日期", "班次", "领导", "人员", "电话"], [*GOOD])
    with pytest.raises(UserError, match="第1行应为表头：日期、班次、带班领导、值班人员、值班电话"):
        read(path)


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "值班表.csv"
    path.write_bytes(b"x" * (3 * 1024))
    small = SubmissionsConfig(max_file_kb=2)
    with pytest.raises(UserError, match="大小 3 KB，超过 2 KB 上限"):
        read(path, small)


def test_a_marked_cell_is_refused_naming_it(tmp_path: Path) -> None:
    rows = [GOOD[0], [*GOOD[1][:3], "机密★5年", GOOD[1][4]]]
    path = write_xlsx(tmp_path / "值班表.xlsx", list(roster.COLUMNS), rows)
    with pytest.raises(UserError, match="第3行：「值班人员」列含密级标识"):
        read(path)


async def test_a_classified_submission_leaves_no_row(app: App, clock: FakeClock) -> None:
    """The model's own guard, for text that did not come through the chat edge (a file's
    rows, a CLI): refused whole, nothing kept."""
    async with app.sessions.begin() as session:
        units = await collect.resolve_units(session, app.config, "城关镇")
        task = await collect.open_task(
            session,
            app.config,
            ZoneInfo("Asia/Shanghai"),
            clock.now(),
            title="专报",
            ask="",
            due_day=clock.now().date() + timedelta(days=5),
            units=units,
            created_by=None,
        )
        liaison = await find_user(session, "吴磊")
        with pytest.raises(UserError, match="密级"):
            await collect.submit(
                session, clock.now(), task, units[0], liaison.id, text="【秘密】调度方案"
            )
        with pytest.raises(UserError, match="密级"):
            await collect.submit(
                session, clock.now(), task, units[0], liaison.id, rows=[["绝密★长期"]]
            )
        assert await session.scalar(select(func.count()).select_from(Entry)) == 0

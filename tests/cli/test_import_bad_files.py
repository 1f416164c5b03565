"""`dutybot roster import` and `dutybot tickets import` with files people actually send: broken,
empty, saved as GBK, holding formulas or malformed phones — one clear line, nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.support import write_xlsx

runner = CliRunner()
ROSTER = ["日期", "班次", "带班领导", "值班员", "备班", "电话"]
TICKETS = ["工单编号", "类别", "诉求内容", "地址", "受理时间", "承办单位", "来电人", "联系电话"]
TICKET = ["12345-20261120-000001", "投诉", "人民路路灯不亮", "城关镇", "2026-11-20 08:30"]


def _count(env: dict[str, str], table: str) -> int:
    path = env["DUTYBOT_DATABASE_URL"].removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _refused(env: dict[str, str], args: list[str], table: str) -> str:
    before = _count(env, table)
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "BadZipFile" not in result.output
    assert _count(env, table) == before
    return result.output


@pytest.mark.parametrize(("command", "table"), [("roster", "duty_slots"), ("tickets", "tickets")])
@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04truncated"])
def test_a_broken_workbook_is_one_chinese_line(
    env: dict[str, str], tmp_path: Path, command: str, table: str, content: bytes
) -> None:
    path = tmp_path / "上报.xlsx"
    path.write_bytes(content)
    output = _refused(env, [command, "import", str(path)], table)
    assert "上报.xlsx" in output
    assert "空文件" in output or "文件已损坏或不是 Excel .xlsx 文件" in output


def test_a_truncated_roster_is_one_chinese_line(env: dict[str, str], tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", ROSTER, [["2027-03-01", "全天", "李明", "张三"]])
    path = tmp_path / "排班表.xlsx"
    path.write_bytes(good.read_bytes()[:-200])
    assert "排班表.xlsx" in _refused(env, ["roster", "import", str(path)], "duty_slots")


def test_a_gbk_roster_from_excel_on_chinese_windows_imports(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "排班表.csv"
    rows = [ROSTER, ["2027-03-01", "全天", "李明", "张三、赵丽", "钱芳", "0571-87654321"]]
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode("gbk"))
    before = _count(env, "duty_slots")
    result = runner.invoke(app, ["roster", "import", str(path)], env=env)
    assert result.exit_code == 0, result.output
    assert "新增 1 个班次" in result.output
    assert _count(env, "duty_slots") == before + 1


def test_a_formula_in_a_ticket_file_imports_nothing(env: dict[str, str], tmp_path: Path) -> None:
    rows: list[list[object]] = [[*TICKET, "城关镇", "王小明", "=1+1"]]
    path = write_xlsx(tmp_path / "工单.xlsx", TICKETS, rows)
    output = _refused(env, ["tickets", "import", str(path)], "tickets")
    assert "含公式" in output and "第2行第8列" in output


@pytest.mark.parametrize("phone", ["1380000abc", "12345", "138-0000-00001"])
def test_a_malformed_caller_phone_imports_nothing(
    env: dict[str, str], tmp_path: Path, phone: str
) -> None:
    path = write_xlsx(tmp_path / "工单.xlsx", TICKETS, [[*TICKET, "城关镇", "王小明", phone]])
    output = _refused(env, ["tickets", "import", str(path)], "tickets")
    assert "第2行：caller_phone（联系电话）" in output and "13812345678" in output


def test_a_malformed_duty_phone_imports_nothing(env: dict[str, str], tmp_path: Path) -> None:
    rows: list[list[object]] = [["2027-03-01", "全天", "李明", "张三", "", "8765432x"]]
    path = write_xlsx(tmp_path / "排班表.xlsx", ROSTER, rows)
    output = _refused(env, ["roster", "import", str(path)], "duty_slots")
    assert "第2行：电话号码「8765432x」格式不对" in output

"""`dutybot vehicles import`: a fleet sheet imports vehicles and drivers; a broken, oversized,
wrongly encoded, marked or half-bad file is one Chinese line and writes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from models.vehicles.file_import import MAX_BYTES
from tests.support import write_xlsx

runner = CliRunner()
HEADER = ["车牌", "座位", "车型", "状态", "驾驶员"]


def _rows(env: dict[str, str], query: str) -> list[tuple[object, ...]]:
    path = env["DUTYBOT_DATABASE_URL"].removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as db:
        return list(db.execute(query).fetchall())


def _fleet(env: dict[str, str]) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    return (
        _rows(env, "SELECT plate, seats, kind, status FROM vehicles ORDER BY plate"),
        _rows(env, "SELECT user_id FROM vehicle_drivers ORDER BY user_id"),
    )


def test_a_fleet_sheet_imports(env: dict[str, str], tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "车队.xlsx",
        HEADER,
        [["赣A·12345", 5, "轿车", "在用", "张三"], ["赣A23456", "7座", "商务车", "维修", ""]],
    )
    result = runner.invoke(app, ["vehicles", "import", str(path)], env=env)
    assert result.exit_code == 0, result.output
    assert "车辆新增 2 辆、更新 0 辆，驾驶员新增 1 名" in result.output
    vehicles, drivers = _fleet(env)
    assert vehicles == [("赣A12345", 5, "轿车", "在用"), ("赣A23456", 7, "商务车", "维修")]
    assert len(drivers) == 1


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("车队.xlsx", b"not a zip", "文件已损坏"),
        ("车队.csv", b"\x81\xff\xfe\x00\x81" * 50, "无法识别"),
        ("车队.csv", b"a" * (MAX_BYTES + 1), "超过"),
        ("车队.csv", "车牌,座位,车型\n秘密★1年,5,轿车\n".encode(), "密级"),
        (
            "车队.csv",
            "车牌,座位,车型\n赣A12345,5,轿车\nXX1,5,轿车\n".encode(),
            "第3行：车牌「XX1」",
        ),
        ("车队.csv", "车牌,座位,车型\n赣A12345,500,轿车\n".encode(), "第2行：座位数「500」"),
        ("车队.csv", "驾驶员\n张三\n查无此人\n".encode(), "第3行"),
    ],
)
def test_a_bad_file_is_one_chinese_line_and_writes_nothing(
    env: dict[str, str], tmp_path: Path, name: str, content: bytes, said: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = _fleet(env)
    result = runner.invoke(app, ["vehicles", "import", str(path)], env=env)
    assert result.exit_code == 1, result.output
    assert said in result.output and "Traceback" not in result.output
    assert _fleet(env) == before

"""`dutybot tickets import|search` on a demo database: all-or-nothing import, newest first."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from tests.support import write_xlsx

runner = CliRunner()


def _at(text: str) -> datetime:
    """An Excel cell's time: local, without a zone (as spreadsheets store it)."""
    return datetime.fromisoformat(text)


HEADER = ["工单编号", "类别", "诉求内容", "地址", "受理时间", "承办单位", "来电人", "联系电话"]
GOOD = [
    [
        "12345-20261120-000001",
        "投诉",
        "人民路路灯不亮",
        "城关镇人民路",
        _at("2026-11-20 08:30"),
        "城关镇",
        "王小明",
        "13912345678",
    ],
    [
        "12345-20261121-000002",
        "求助",
        "河道有垃圾堆积",
        "南山林场",
        _at("2026-11-21 09:00"),
        "县水利局",
        "",
        "",
    ],
    [
        "12345-20261122-000003",
        "咨询",
        "路灯不亮找谁修",
        "城关镇解放路",
        _at("2026-11-22 10:00"),
        "城关镇",
        "",
        "",
    ],
]


def _notices(env: dict[str, str]) -> dict[str, dict[str, object]]:
    """The ticket notices queued so far: outbox key → message."""
    path = env["DUTYBOT_DATABASE_URL"].removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT idempotency_key, payload FROM outbox WHERE idempotency_key LIKE 'ticket:%'"
        ).fetchall()
    return {key: json.loads(payload) for key, payload in rows}


def test_import_tells_the_units_unless_quiet(env: dict[str, str], tmp_path: Path) -> None:
    quiet = write_xlsx(tmp_path / "q.xlsx", HEADER, GOOD[:1])
    assert runner.invoke(app, ["tickets", "import", "--quiet", str(quiet)], env=env).exit_code == 0
    assert _notices(env) == {}
    told = write_xlsx(tmp_path / "t.xlsx", HEADER, GOOD[1:])
    result = runner.invoke(app, ["tickets", "import", str(told)], env=env)
    assert result.exit_code == 0, result.output
    notices = _notices(env)
    assert {key.split(":")[2] for key in notices} == {"new"}  # no duplicate among them
    numbers = {row[0] for row in GOOD[1:]}
    for message in notices.values():
        text = str(message["text"])
        assert text.startswith("📥 新派 12345") and any(n in text for n in numbers)
        number = next(n for n in numbers if n in text)
        assert message["buttons"] == [[{"label": "签收", "command": f"/ticket_sign {number}"}]]
    assert {n for n in numbers if any(n in str(m["text"]) for m in notices.values())} == numbers


def _search(env: dict[str, str], words: str) -> tuple[int, str]:
    result = runner.invoke(app, ["tickets", "search", words], env=env)
    return result.exit_code, result.output


def test_a_bad_row_imports_nothing(env: dict[str, str], tmp_path: Path) -> None:
    bad = [*GOOD, ["12345-20261123-000004", "表扬", "", "", "昨天", "城关镇", "", ""]]
    result = runner.invoke(
        app, ["tickets", "import", str(write_xlsx(tmp_path / "t.xlsx", HEADER, bad))], env=env
    )
    assert result.exit_code == 1
    assert "第5行：category（类别）" in result.output
    assert "第5行：content（诉求内容）" in result.output
    assert "第5行：received_at（受理时间）" in result.output
    assert _search(env, "找谁修")[0] == 1  # nothing was imported (the demo's tickets aside)
    unknown = [[*GOOD[0][:5], "火星局", "", ""]]
    book = write_xlsx(tmp_path / "u.xlsx", HEADER, [*GOOD[1:], *unknown])
    result = runner.invoke(app, ["tickets", "import", str(book)], env=env)
    assert "第4行：没有单位「火星局」" in result.output
    assert _search(env, "南山")[0] == 1


def test_a_marked_cell_refuses_the_whole_file(env: dict[str, str], tmp_path: Path) -> None:
    marked = [*GOOD[:2], [*GOOD[2][:6], "王\u200b小明", "機 密★5年"]]
    book = write_xlsx(tmp_path / "m.xlsx", HEADER, marked)
    result = runner.invoke(app, ["tickets", "import", str(book)], env=env)
    assert result.exit_code == 1
    assert "第4行：「联系电话」列含密级标识" in result.output and "机要渠道" in result.output
    assert _search(env, "找谁修")[0] == 1  # nothing was imported


def test_import_then_search_newest_first(env: dict[str, str], tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", HEADER, GOOD)
    result = runner.invoke(app, ["tickets", "import", "--quiet", str(path)], env=env)
    assert result.exit_code == 0, result.output
    assert "已导入 3 行：新建 3 张，更新 0 张，无变化 0 张" in result.output
    again = runner.invoke(app, ["tickets", "import", str(path)], env=env)
    assert "新建 0 张，更新 0 张，无变化 3 张" in again.output
    code, out = _search(env, "路灯 不亮")
    assert code == 0
    mine = {str(row[0]) for row in GOOD}
    lines = [line for line in out.strip().splitlines() if line.split()[0] in mine]
    assert [line.split()[0] for line in lines] == [  # the demo's own 路灯 calls aside
        "12345-20261122-000003",
        "12345-20261120-000001",
    ]
    assert "2026-11-20 08:30" in lines[1]  # the time of day survives the xlsx cell
    assert "12345-20261121-000002" in _search(env, "林场")[1]
    csv_path = tmp_path / "t.csv"
    csv_path.write_text(
        ",".join(HEADER)
        + "\n12345-20261123-000009,建议,增设公交站点,城关镇,2026-11-23 09:00,城关镇,,\n",
        encoding="utf-8-sig",
    )
    result = runner.invoke(app, ["tickets", "import", str(csv_path)], env=env)
    assert "新建 1 张" in result.output, result.output
    assert _search(env, "站点")[1].startswith("12345-20261123-000009")

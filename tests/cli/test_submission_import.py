"""`dutybot submission import`: a township's holiday roster from an .xlsx or a GBK CSV, and
malformed, oversized and marked files refused in one Chinese line with nothing stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from models.submissions.roster import COLUMNS
from tests.support import write_xlsx

runner = CliRunner()
ROWS = [
    ["2027-01-01", "白班", "李镇长", "吴磊、王五", "13800000009"],
    ["2027-01-02", "全天", "李镇长", "赵六", "0571-87654321"],
]

MARKED = "日期,班次,带班领导,值班人员,值班电话\n2027-01-01,白班,绝密★长期,张三,13800000009"


def _entries(env: dict[str, str]) -> int:
    path = env["DUTYBOT_DATABASE_URL"].removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM submission_entries").fetchone()[0])


@pytest.fixture
def task(env: dict[str, str]) -> dict[str, str]:
    """The demo county with 元旦 2027's roster task (#1) opened from the command line."""
    opened = runner.invoke(app, ["submission", "open", "--units", "城关镇、河口乡"], env=env)
    assert opened.exit_code == 0, opened.output
    assert "2027年元旦假期值班表报备" in opened.output and "截止：2026-12-25" in opened.output
    return env


def test_good_xlsx_and_gbk_csv_are_imported(task: dict[str, str], tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "城关镇值班表.xlsx", list(COLUMNS), [*ROWS])
    result = runner.invoke(app, ["submission", "import", "1", str(path), "--by", "吴磊"], env=task)
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "城关镇 报送 值班表报备 #1" in output and "值班安排 2 条" in output
    csv = tmp_path / "城关镇值班表.csv"
    csv.write_bytes("\r\n".join(",".join(r) for r in [list(COLUMNS), *ROWS]).encode("gbk"))
    again = runner.invoke(app, ["submission", "import", "1", str(csv), "--by", "吴磊"], env=task)
    assert again.exit_code == 0, again.output
    assert _entries(task) == 2  # the revision is kept beside the first


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("值班表.xlsx", b"not a zip", "文件已损坏或不是 Excel"),
        ("值班表.csv", b"x" * (600 * 1024), "超过 512 KB 上限"),
        (
            "值班表.csv",
            "日期,班次,带班领导,值班人员,值班电话\n2027-01-01,白班,绝密★长期,张三,13800000009".encode(),
            "含密级标识",
        ),
    ],
)
def test_bad_files_store_nothing(
    task: dict[str, str], tmp_path: Path, name: str, content: bytes, said: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(app, ["submission", "import", "1", str(path), "--by", "吴磊"], env=task)
    assert result.exit_code == 1, result.output
    output = "".join(result.output.split())
    assert said.replace(" ", "") in output and "Traceback" not in output
    assert _entries(task) == 0

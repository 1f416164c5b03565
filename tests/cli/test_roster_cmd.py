"""`dutybot roster import|export|generate` and `dutybot triage` on a demo database."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from tests.support import write_xlsx

runner = CliRunner()
HEADER = ["日期", "班次", "带班领导", "值班员", "备班", "电话"]


def _export(env: dict[str, str], tmp_path: Path, first: str, last: str) -> str:
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["roster", "export", "--from", first, "--to", last, str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8-sig")


def test_xlsx_with_a_bad_row_imports_nothing(env: dict[str, str], tmp_path: Path) -> None:
    before = _export(env, tmp_path, "2027-03-01", "2027-03-31")
    rows: list[list[object]] = [
        ["2027-03-01", "全天", "李明", "张三", "赵丽", "0571-1234567"],
        ["2027-03-02", "全天", "王刚", "赵丽", "", ""],
        ["2027-03-03", "全天", "李明", "张三", "", ""],
        ["2027-03-04", "全天", "王刚", "李四", "", ""],
        ["2027-03-05", "早班", "李明", "张三", "", ""],
    ]
    result = runner.invoke(
        app, ["roster", "import", str(write_xlsx(tmp_path / "r.xlsx", HEADER, rows))], env=env
    )
    assert result.exit_code == 1
    assert "第5行：找不到人员 李四" in result.output
    assert "第6行：没有班次「早班」" in result.output
    assert _export(env, tmp_path, "2027-03-01", "2027-03-31") == before


def test_a_namesake_is_reported_as_ambiguous_not_missing(
    env: dict[str, str], tmp_path: Path
) -> None:
    for extra in ((), ("--allow-duplicate",)):
        added = runner.invoke(
            app,
            [
                "users",
                "add",
                "--name",
                "李四",
                "--org",
                "县政府办公室",
                "--role",
                "officer",
                *extra,
            ],
            env=env,
        )
        assert added.exit_code == 0, added.output
    rows: list[list[object]] = [["2027-03-04", "全天", "王刚", "李四", "", ""]]
    path = str(write_xlsx(tmp_path / "r.xlsx", HEADER, rows))
    result = runner.invoke(app, ["roster", "import", path], env=env)
    assert result.exit_code == 1
    assert "第2行：有多名「李四」：李四（编号 12）、李四（编号 13）" in result.output
    assert "找不到人员" not in result.output
    rows = [["2027-03-04", "全天", "王刚", "13", "", ""]]
    path = str(write_xlsx(tmp_path / "r.xlsx", HEADER, rows))
    result = runner.invoke(app, ["roster", "import", path], env=env)
    assert result.exit_code == 0, result.output


def test_a_marked_cell_refuses_the_whole_file(env: dict[str, str], tmp_path: Path) -> None:
    before = _export(env, tmp_path, "2027-03-01", "2027-03-31")
    rows: list[list[object]] = [
        ["2027-03-01", "全天", "李明", "张三", "", "0571-1234567"],
        ["2027-03-02", "全天", "王刚", "赵丽", "", "机密★1年"],
    ]
    result = runner.invoke(
        app, ["roster", "import", str(write_xlsx(tmp_path / "r.xlsx", HEADER, rows))], env=env
    )
    assert result.exit_code == 1
    assert "第3行：「电话」列含密级标识" in result.output and "机要渠道" in result.output
    assert _export(env, tmp_path, "2027-03-01", "2027-03-31") == before


def test_import_then_reimport_reports_changes(env: dict[str, str], tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["2027-03-01", "白班", "李明", "张三、赵丽", "钱芳", "0571-1234567"],
        ["2027-03-01", "夜班", "王刚", "赵丽", "", ""],
    ]
    result = runner.invoke(
        app, ["roster", "import", str(write_xlsx(tmp_path / "a.xlsx", HEADER, rows))], env=env
    )
    assert result.exit_code == 0, result.output
    assert "新增 2 个班次，修改 0 个，未变 0 个" in result.output
    rows[1][3] = "张三"
    csv_path = tmp_path / "b.csv"
    csv_path.write_text(
        "\n".join(",".join(map(str, r)) for r in [HEADER, *rows]), encoding="utf-8"
    )
    result = runner.invoke(app, ["roster", "import", str(csv_path)], env=env)
    assert "新增 0 个班次，修改 1 个，未变 1 个" in result.output
    exported = _export(env, tmp_path, "2027-03-01", "2027-03-01")
    assert "2027-03-01,白班,李明,张三、赵丽,钱芳,0571-1234567" in exported
    assert "2027-03-01,夜班,王刚,张三,,13800000004" in exported  # 张三's own phone, as chat shows


def test_export_shows_the_phones_chat_shows_and_reads_back_unchanged(
    env: dict[str, str], tmp_path: Path
) -> None:
    exported = _export(env, tmp_path, "2026-11-26", "2026-11-27")
    assert "2026-11-26,全天,李明,张三,,13800000004" in exported
    assert "2026-11-27,全天,王刚,赵丽,,13800000005" in exported
    again = tmp_path / "again.csv"
    again.write_text(exported, encoding="utf-8-sig")
    result = runner.invoke(app, ["roster", "import", str(again)], env=env)
    assert "新增 0 个班次，修改 0 个，未变 2 个" in result.output, result.output
    assert _export(env, tmp_path, "2026-11-26", "2026-11-27") == exported


def test_generate_warns_for_a_year_without_calendar_data(
    env: dict[str, str], tmp_path: Path
) -> None:
    result = runner.invoke(
        app, ["roster", "generate", "--from", "2026-12-30", "--to", "2027-01-04"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "新增 6 个班次" in result.output
    assert "节假日为推定" in result.output.replace("\n", "")
    # 2027-01-01 is 元旦 by the law (推定): a holiday, staffed by two officers
    assert "值班次数：张三 3 次，赵丽 2 次，钱芳 2 次" in result.output


def test_triage_prints_one_json_per_line(env: dict[str, str]) -> None:
    lines = "河口乡发生山体滑坡，3人被困\n\n市领导下周来县调研\n"
    result = runner.invoke(app, ["triage"], input=lines, env=env)
    out = [json.loads(line) for line in result.output.splitlines()]
    assert out == [
        {"category": "地质灾害", "severity": "一般", "keywords": ["山体滑坡"]},  # trapped: 一般
        {"category": "其他", "severity": None, "keywords": []},
    ]

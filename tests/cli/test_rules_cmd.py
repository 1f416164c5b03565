"""`dutybot rules` and `dutybot workday add` through the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.models.deadlines.notice_2099 import NOTICE_2099

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, env=full, capture_output=True, text=True
    )


def _db(tmp_path: Path) -> dict[str, str]:
    return {"DUTYBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}


def test_workday_add_prints_the_day_and_the_holidays(tmp_path: Path) -> None:
    done = _cli("workday", "add", "5", "2023-09-27", env=_db(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "2023-10-10（星期二）" in done.stdout
    assert "2023-10-07、2023-10-08" in done.stdout


def test_workday_add_warns_for_a_year_without_data(tmp_path: Path) -> None:
    done = _cli("workday", "add", "3", "2026-12-30", env=_db(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "2027-01-05" in done.stdout and "节假日为推定" in done.stdout


def test_calendar_import_reads_the_notice_and_replaces_the_estimate(tmp_path: Path) -> None:
    notice = tmp_path / "2099.txt"
    notice.write_text(NOTICE_2099.replace("（周日）上班", "（周一）上班"), encoding="utf-8")
    refused = _cli("calendar", "import", str(notice), env=_db(tmp_path))
    assert refused.returncode == 1 and "第 7 行无法识别" in refused.stderr
    assert "2099-01-02" in _cli("workday", "add", "1", "2099-01-01", env=_db(tmp_path)).stdout
    notice.write_text(NOTICE_2099, encoding="utf-8")
    done = _cli("calendar", "import", str(notice), env=_db(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "放假 28 天，调休上班 1 天（1月4日）" in done.stdout
    after = _cli("workday", "add", "1", "2099-01-01", env=_db(tmp_path))
    assert "2099-01-04（星期日）" in after.stdout and "推定" not in after.stdout


def test_workday_add_refuses_a_bad_date(tmp_path: Path) -> None:
    done = _cli("workday", "add", "5", "2023-13-01", env=_db(tmp_path))
    assert done.returncode == 1 and "YYYY-MM-DD" in done.stderr


def test_rules_prints_every_rule_with_its_source() -> None:
    done = _cli("rules")
    assert done.returncode == 0, done.stderr
    assert "petition.conclude" in done.stdout and "第三十四条" in done.stdout
    assert "可延期至多 30自然日" in done.stdout
    assert "hotline.handle" in done.stdout and "地方默认" in done.stdout
    only = _cli("rules", "--domain", "建议提案")
    assert "proposal.reply" in only.stdout and "petition" not in only.stdout
    assert _cli("rules", "--domain", "天气").returncode == 1

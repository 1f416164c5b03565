"""`dutybot rules` and `dutybot workday add` through the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, env=full, capture_output=True, text=True
    )


def test_workday_add_prints_the_day_and_the_holidays() -> None:
    done = _cli("workday", "add", "5", "2023-09-27")
    assert done.returncode == 0, done.stderr
    assert "2023-10-10（星期二）" in done.stdout
    assert "2023-10-07、2023-10-08" in done.stdout


def test_workday_add_warns_for_a_year_without_data() -> None:
    done = _cli("workday", "add", "3", "2026-12-30")
    assert done.returncode == 0
    assert "2027-01-04" in done.stdout and "2027 年的节假日与调休安排未知" in done.stdout


def test_workday_add_refuses_a_bad_date() -> None:
    done = _cli("workday", "add", "5", "2023-13-01")
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

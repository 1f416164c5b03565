"""The embedded default end to end: `dutybot users add`, then a conversation piped into
`dutybot run`: help, bind, an unknown command with its suggestion, a refusal, a reminder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    config = tmp_path / "config.yaml"
    config.write_text(
        f"database:\n  url: sqlite+aiosqlite:///{tmp_path / 'bot.db'}\ndata_dir: {tmp_path}\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "DUTYBOT_CONFIG": str(config),
        "PYTHONPATH": str(REPO),
        "DUTYBOT_CACHE_DIR": str(tmp_path),
    }

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )

    return run


def test_piped_conversation(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("demo").returncode == 0
    added = cli("users", "add", "--name", "马丽", "--org", "县水利局", "--role", "officer")
    assert added.returncode == 0, added.stderr
    code = re.search(r"绑定码：(\w+)", added.stdout)
    assert code, added.stdout
    script = "\n".join(
        [
            "/help",
            f"绑定 {code.group(1)}",
            "/whoami",
            "/dutyy",
            "/outbox_failed",
            "提醒 30分钟 给水利局回电",
            ":as 刘洋",
            "/outbox failed",
        ]
    )
    result = cli("run", "--as", "马丽", stdin=script + "\n")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    # Scheduled pushes (e.g. calendar warnings to the admin) may interleave; read per person.
    blocks = [b for b in out.split("DutyBot → ")[1:] if b.startswith("马丽：")]
    assert "您尚未绑定账号" in blocks[0] and "/bind" in blocks[0]
    assert "绑定成功" in blocks[1] and "马丽（县水利局）" in blocks[1]
    assert "角色：值班员" in blocks[2]
    assert "没有找到命令「/dutyy」" in blocks[3]
    assert "仅限管理员使用" in blocks[4]
    assert "提醒您：给水利局回电" in blocks[5]
    admin = [b for b in out.split("DutyBot → ")[1:] if b.startswith("刘洋：")]
    assert any("没有投递失败的消息" in b for b in admin)
    assert "Traceback" not in out + result.stderr


def test_unknown_console_user_needs_binding(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("run", "--as", "路人", stdin="/whoami\n")
    assert result.returncode == 0
    assert "尚未绑定" in result.stdout


def test_run_without_identity_says_how(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("run")
    assert result.returncode == 1
    assert "--as" in result.stderr and "dutybot demo" in result.stderr


def test_report_chart_and_workbook_land_in_the_files_folder(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    result = cli("run", "--demo", "--as", "陈静", stdin="/report 图表\n通报 月 表格\n")
    assert result.returncode == 0, result.stderr
    saved = re.findall(r"📎 (图片|文件)「(.+?)」（[\d.]+ KB）已保存到 (.+)", result.stdout)
    assert [(kind, Path(path).suffix) for kind, _, path in saved] == [
        ("图片", ".png"),
        ("文件", ".xlsx"),
    ]
    for _, name, path in saved:
        assert Path(path).parent == tmp_path / "files" and Path(path).name == name
    chart, book = (Path(path).read_bytes() for _, _, path in saved)
    assert chart.startswith(b"\x89PNG") and book.startswith(b"PK")
    assert "Traceback" not in result.stdout + result.stderr

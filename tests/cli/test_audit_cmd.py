"""`dutybot audit anchor|verify` against the anchor file, owner-only exports and log, and
`dutybot doctor` naming readable files with the chmod that fixes them."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.common import setup_logging
from tests.cli.test_admin_commands import anchors_of
from tests.cli.test_admin_commands import invoke as invoke  # the fixture


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_anchor_then_verify_names_the_cut_tail(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name in ("张三", "李四"):
        code, out = invoke(
            "users", "add", "--name", name, "--org", "应急局", "--role", "officer", "--new-unit"
        )
        assert code == 0, out
    code, out = invoke("audit", "anchor")  # the head is row 2; the anchoring itself is row 3
    assert code == 0 and re.search(r"审计校验码 [0-9A-F]{4}(-[0-9A-F]{4}){4}", out), out
    anchors = anchors_of(tmp_path)
    assert _mode(anchors) == 0o600
    code, out = invoke("audit", "verify")
    assert code == 0 and "对照审计校验码 1 个" in out, out
    with sqlite3.connect(tmp_path / "bot.db") as db:  # the tail cut, the head moved back
        db.execute("DROP TRIGGER audit_log_keep_months")
        db.execute("DELETE FROM audit_log WHERE seq >= 2")
        tip = db.execute("SELECT hash FROM audit_log WHERE seq = 1").fetchone()[0]
        db.execute("UPDATE audit_head SET last_seq = 1, last_hash = ?", (tip,))
    code, out = invoke("audit", "verify")
    assert code == 1 and "缺少第 2 条" in out and "保全数据库" in out, out


def test_exports_and_the_log_are_owner_only(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    invoke("users", "add", "--name", "张三", "--org", "应急局", "--role", "officer", "--new-unit")
    out = tmp_path / "exports" / "audit.csv"
    code, text = invoke(
        "audit", "export", "--from", "2020-01-01", "--to", "2099-12-31", "-o", str(out)
    )
    assert code == 0, text
    assert _mode(out) == 0o600
    log = tmp_path / "logs" / "dutybot.log"
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    setup_logging(log)
    try:
        assert _mode(log) == 0o600
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:], root.level = handlers, level


def test_doctor_names_readable_files_with_the_fix(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    invoke("demo")
    log = tmp_path / "dutybot.log"
    log.write_text("张三 13800000004\n", encoding="utf-8")
    os.chmod(log, 0o644)
    code, out = invoke("doctor")
    out = out.replace("\n", "")  # the terminal wraps long paths
    assert code == 1 and f"chmod 600 {log}" in out and "审计密钥取自文件" in out, out
    os.chmod(log, 0o600)
    code, out = invoke("doctor")
    assert code == 0 and "仅本用户可读写" in out, out

"""`dutybot broadcast list|export`: the evidence workbook, one row per recipient."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.app import App
from bot.cli import app as cli
from bot.cli.demo import seed
from bot.core.clock import FakeClock
from tests.conftest import START, make_config
from tests.handlers.broadcast.test_broadcast import TEXT, broadcast_config
from tests.support import RecordingAdapter, incoming


async def _broadcast(url: str, text: str) -> None:
    """李明 sends ``text`` to 防汛; 孙伟 acks a minute later; the group and 王刚 do not."""
    clock = FakeClock(START)
    console = RecordingAdapter(platform="console")
    bot = await App.create(
        make_config(url, **broadcast_config(url)),
        clock=clock,
        adapters={"console": console},
        auto_upgrade=True,
    )
    async with bot.sessions.begin() as session:
        await seed(session, clock.now(), timedelta(hours=24))
    for line in (f"应急广播 防汛 红色 {text}", "确认广播 1"):
        await bot.dispatcher.receive(incoming(line, sender="李明"))
    await bot.sender.drain()
    clock.advance(minutes=1)
    await bot.dispatcher.receive(incoming("收到", sender="孙伟"))
    await bot.engine.dispose()


def _database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    asyncio.run(_broadcast(url, text))
    config = tmp_path / "config.yaml"
    config.write_text(f"database:\n  url: {url}\nchannels: [全体, 防汛]\n", encoding="utf-8")
    monkeypatch.setenv("DUTYBOT_CONFIG", str(config))
    return tmp_path


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return _database(tmp_path, monkeypatch, TEXT)


def test_export_writes_one_row_per_recipient(db: Path) -> None:
    out = db / "证据" / "广播1.xlsx"
    result = CliRunner().invoke(cli, ["broadcast", "export", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "已导出 3 个接收对象" in result.output
    rows = [list(r) for r in load_workbook(out).active.iter_rows(values_only=True)]
    assert rows[0][:3] == ["红色应急广播 #1（防汛）", "状态：已发送", "发布人：李明"]
    header = rows[1]
    by_name = {r[1]: dict(zip(header, r, strict=True)) for r in rows[2:]}
    assert set(by_name) == {"县防汛抗旱指挥部群", "孙伟", "王刚"}
    sun = by_name["孙伟"]
    assert sun["送达状态"] == "已送达" and sun["送达时间"] == "2026-11-26 09:00:00"
    assert sun["确认时间"] == "2026-11-26 09:01:00" and sun["确认平台"] == "console"
    assert sun["确认人"] == "孙伟" and sun["发送内容"] == TEXT and sun["已读时间"] == "平台未提供"
    assert by_name["王刚"]["确认时间"] in ("", None)
    assert by_name["县防汛抗旱指挥部群"]["类型"] == "群"


def test_list_and_bad_input(db: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["broadcast", "list"])
    assert listed.exit_code == 0 and "红色" in listed.output and "已发送" in listed.output
    missing = runner.invoke(cli, ["broadcast", "export", "7", "-o", str(db / "x.xlsx")])
    assert missing.exit_code == 1 and "没有编号为 7 的广播" in missing.output
    wrong = runner.invoke(cli, ["broadcast", "export", "1", "-o", str(db / "x.csv")])
    assert wrong.exit_code == 1 and "应以 .xlsx 结尾" in wrong.output


def test_a_text_like_a_formula_is_exported_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    formula = '=HYPERLINK("http://evil.example","点我确认")'
    out = _database(tmp_path, monkeypatch, formula) / "广播1.xlsx"
    result = CliRunner().invoke(cli, ["broadcast", "export", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    cells = [c for row in load_workbook(out).active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == "'" + formula for c in cells)

"""`dutybot report` writes the 督查通报 as text, as an xlsx workbook and as a PNG chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from PIL import Image

from bot.app import App
from bot.cli.demo import seed
from bot.core.clock import FakeClock
from tests.cli.test_rules_cmd import _cli
from tests.conftest import make_config
from tests.handlers.tickets.test_tickets import TZ, ingest
from tests.support import RecordingAdapter, incoming

REPORT_DAY = "2025-03-17T10:00:00+08:00"  # a Monday: last week is 03-10 … 03-16


async def _county_in_2025(url: str) -> None:
    clock = FakeClock(datetime(2025, 3, 3, 1, 0, tzinfo=UTC))
    console = RecordingAdapter(platform="console")
    app = await App.create(
        make_config(url), clock=clock, adapters={"console": console}, auto_upgrade=True
    )
    try:
        async with app.sessions.begin() as session:
            await seed(session, clock.now(), timedelta(hours=24))
        await app.dispatcher.receive(
            incoming("督办 立项 县林业局 2025-03-10 补种树苗", sender="陈静")
        )
        # A ticket of last week, as the CLI sees it at REPORT_DAY.
        clock.set(datetime(2025, 3, 12, 10, 0, tzinfo=TZ))
        await ingest(app, received_at="2025-03-12T10:00:00")
    finally:
        await app.engine.dispose()


async def test_report_as_text_and_xlsx(sqlite_url: str, tmp_path: Path) -> None:
    await _county_in_2025(sqlite_url)
    env = {"DUTYBOT_DATABASE_URL": sqlite_url, "DUTYBOT_CLOCK_START": REPORT_DAY}
    text = _cli("report", "--period", "month", env=env)
    assert text.returncode == 0, text.stderr
    assert "督查通报" in text.stdout and "补种树苗（县林业局，2025-03-10）" in text.stdout
    week = _cli("report", env=env)
    assert "【城关镇】1 张｜按时签收 0.0%（0/1）" in week.stdout
    book = tmp_path / "通报.xlsx"
    done = _cli("report", "--format", "xlsx", "-o", str(book), env=env)
    assert done.returncode == 0, done.stderr
    sheets = load_workbook(book)
    assert sheets.sheetnames == ["分单位", "超期事项", "建议提案", "12345工单", "短信语音"]
    tickets = list(sheets["12345工单"].iter_rows(values_only=True))
    assert tickets[0][:5] == ("单位", "受理工单", "按时签收率", "按时签收件数", "按时签收基数")
    # Never signed, and its 24-hour 签收 limit has passed.
    assert tickets[1][:5] == ("城关镇", 1, 0, 0, 1) and tickets[2][:2] == ("合计", 1)
    assert tickets[1][11] is None  # 解决率 with nothing to count stays empty, not 0
    rows = list(sheets["超期事项"].iter_rows(values_only=True))
    assert rows[1][:3] == (1, "补种树苗", "县林业局")
    assert _cli("report", "--format", "xlsx", env=env).returncode == 1  # no -o
    assert _cli("report", "--period", "year", env=env).returncode == 1


async def test_report_as_a_png_chart(sqlite_url: str, tmp_path: Path) -> None:
    await _county_in_2025(sqlite_url)
    env = {"DUTYBOT_DATABASE_URL": sqlite_url, "DUTYBOT_CLOCK_START": REPORT_DAY}
    png = tmp_path / "通报.png"
    done = _cli("report", "--period", "month", "--format", "png", "-o", str(png), env=env)
    assert done.returncode == 0, done.stderr
    assert f"已写入 {png}" in done.stdout.replace("\n", "")
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width == 1080
        assert len(image.convert("RGB").getcolors(65536) or []) > 10
    no_file = _cli("report", "--format", "png", env=env)
    assert no_file.returncode == 1 and "-o 通报.png" in no_file.stderr + no_file.stdout
    nowhere = _cli(
        "report", "--format", "png", "-o", str(tmp_path / "无此目录" / "a.png"), env=env
    )
    assert nowhere.returncode == 1 and "不存在" in nowhere.stderr + nowhere.stdout

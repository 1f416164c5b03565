"""督查通报: on-time rates for the last week, the overdue list, who is named, cron push; the
chart and the workbook as files in chat and on the Monday push."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.messages import Attachment
from tests.handlers.supervision.test_supervision import say
from tests.handlers.tickets.test_tickets import NUMBER, ingest
from tests.handlers.tickets.test_tickets_stats import OTHER
from tests.schedules.supervision.test_supervision_pushes import at
from tests.support import RecordingAdapter


async def _close(app: App, console: RecordingAdapter, liaison: str, item: int) -> None:
    await say(app, console, liaison, f"/task_done {item} 已完成")
    await say(app, console, "陈静", f"/task_close {item}")


async def _county(app: App, clock: FakeClock, console: RecordingAdapter) -> None:
    for line in (
        "督办 立项 县水利局 2026-12-01 修复水毁道路",  # 1: closed at once, on time
        "督办 立项 县林业局 2026-12-02 补种树苗",  # 2: never done → 红牌, 通报
        "督办 立项 县水利局 2026-12-08 清理河道",  # 3: closed late
        "督办 立项 城关镇 2026-12-11 冬季供暖",  # 4: closed on time
    ):
        await say(app, console, "陈静", line)
    for liaison, item in (("孙伟", 1), ("周敏", 2), ("孙伟", 3), ("吴磊", 4)):
        await say(app, console, liaison, f"/task_sign {item}")
    await _close(app, console, "孙伟", 1)
    await at(app, clock, console, 2026, 12, 10, 10, 0)
    await _close(app, console, "孙伟", 3)
    await _close(app, console, "吴磊", 4)


async def test_weekly_report(app: App, clock: FakeClock, console: RecordingAdapter) -> None:
    await _county(app, clock, console)
    await at(app, clock, console, 2026, 12, 14, 10, 0)  # Monday: last week is 12-07 … 12-13
    text = await say(app, console, "李明", "通报 周")
    assert "督查通报（12月07日—12月13日）" in text
    assert "全县：到期 2 项，按期办结率 50.0%（1/2）" in text
    assert "城关镇：到期 1，按期办结率 100.0%（1/1）" in text
    assert "县水利局：到期 1，按期办结率 0.0%（0/1）" in text
    assert "县林业局：到期 0，按期办结率 —（无可统计件）；在办 1，超期 1" in text
    named = "予以通报（超期未办结）：\n  督办 #2「补种树苗」县林业局，期限 2026-12-02"
    assert f"{named}，已超期 12 天，通报" in text
    assert "#2 【红牌】补种树苗" in text
    assert "建议提案：见面率：—" in text
    assert "仅限" in await say(app, console, "孙伟", "通报")


async def test_monthly_report_and_the_monday_push(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await _county(app, clock, console)
    await at(app, clock, console, 2027, 1, 4, 8, 30)  # Monday 08:30: the weekly push
    assert await app.ticker.run_cron("report-week")
    await app.sender.drain()
    assert "督查通报（12月28日—01月03日）" in console.texts("陈静")[-1]
    assert "督查通报" in console.texts("王刚")[-1]  # leaders get it too
    month = await say(app, console, "陈静", "通报 月")
    assert "督查通报（2026年12月）" in month
    assert "全县：到期 4 项，按期办结率 50.0%（2/4）" in month


def _last_file(console: RecordingAdapter, who: str) -> Attachment:
    reply = [r for a, r in console.sent if a == who][-1]
    assert reply.attachment is not None, reply.text
    return reply.attachment


async def test_report_as_chart_and_workbook_in_chat(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await _county(app, clock, console)
    await at(app, clock, console, 2026, 12, 14, 10, 0)
    caption = await say(app, console, "李明", "通报 周 图表")
    assert caption.startswith("📊 督查通报（12月07日—12月13日）图表\n全县：到期 2 项")
    chart = _last_file(console, "李明")
    assert chart.name == "督查通报_2026-12-07_2026-12-13.png" and chart.is_photo
    with Image.open(io.BytesIO(chart.data)) as image:
        assert image.format == "PNG" and image.width == 1080
    assert "表格（分单位、超期事项、建议提案、12345工单、短信语音）" in await say(
        app, console, "陈静", "/report xlsx month"
    )
    table = _last_file(console, "陈静")
    assert table.name == "督查通报_2026-11-01_2026-11-30.xlsx"
    assert table.mime.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(table.data))
    assert book.sheetnames == ["分单位", "超期事项", "建议提案", "12345工单", "短信语音"]
    overdue = list(book["超期事项"].iter_rows(values_only=True))
    assert overdue[1][:3] == (2, "补种树苗", "县林业局")
    assert "督查通报（2026年11月）图表" in await say(app, console, "李明", "通报 图表 月")
    assert _last_file(console, "李明").name.endswith("2026-11-30.png")
    for wrong in ("通报 年", "通报 图表 表格", "通报 周 月"):
        refused = await say(app, console, "李明", wrong)
        assert "无法识别" in refused and "通报 [周|月] [图表|表格]" in refused


async def test_the_monday_push_carries_the_chart_drawn_once(
    app: App, clock: FakeClock, console: RecordingAdapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    import models.reports.chart as chart_module

    drawn = []
    real = chart_module.render_png
    monkeypatch.setattr(chart_module, "render_png", lambda r: drawn.append(r) or real(r))
    await _county(app, clock, console)
    await at(app, clock, console, 2027, 1, 4, 8, 30)
    assert await app.ticker.run_cron("report-week")
    await app.sender.drain()
    for who in ("陈静", "王刚"):
        text, word = [r for a, r in console.sent if a == who][-2:]  # the .docx follows
        assert text.text.startswith("📊 督查通报（12月28日—01月03日）")
        chart = text.attachment
        assert chart is not None and chart.name == "督查通报_2026-12-28_2027-01-03.png"
        assert chart.data[:4] == b"\x89PNG"
        assert word.text == "📄 督查通报（12月28日—01月03日） 县政府办督〔2027〕1号（Word 公文）"
    assert len(drawn) == 1  # one chart for every supervisor and leader


async def test_report_carries_the_ticket_kpis_of_stats(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await ingest(app, category="咨询")  # 城关镇, received Thursday 11-26
    await ingest(app, number=OTHER, category="咨询", content="河道漂浮垃圾", lead_unit="县水利局")
    await say(app, console, "吴磊", f"工单 签收 {NUMBER}")
    await say(app, console, "吴磊", f"工单 回复 {NUMBER} 已修好")
    await at(app, clock, console, 2026, 11, 30, 10, 0)  # Monday: last week is 11-23 … 11-29
    text = await say(app, console, "李明", "通报 周")
    head = "12345 工单（2026-11-23 至 2026-11-29 受理，口径见 docs/tickets.md）："
    assert head in text
    section = text.split(head, 1)[1].splitlines()[1:]
    assert section[0].startswith("  【合计】2 张｜按时签收 50.0%（1/2）｜按时办结 100.0%（1/1）")
    # The same lines as 工单 统计 over the same days: one computation serves both.
    stats = await say(app, console, "李明", "工单 统计 2026-11-23 2026-11-29")
    units = [line.strip() for line in section[1:]]
    assert units == stats.splitlines()[1:3]
    assert "【县水利局】1 张｜按时签收 0.0%（0/1）｜按时办结 —（无可统计件）" in units[0]
    clock.advance(days=7)  # a week without tickets
    assert "此期间没有已派单的工单" in await say(app, console, "李明", "通报 周")

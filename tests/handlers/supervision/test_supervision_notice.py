"""督查通知单: a numbered Word notice to the lead unit's liaisons (县政府办督〔2026〕1号), the
same 文号 when sent again, one sequence shared with the 《督查通报》, noted in the item's history;
refusals in Chinese."""

from __future__ import annotations

import io

import pytest
from docx import Document

from bot.app import App, parse_config
from bot.config import ConfigError
from bot.core.messages import Attachment
from tests.handlers.supervision.test_supervision import say
from tests.support import RecordingAdapter


def _file(console: RecordingAdapter, who: str) -> Attachment:
    reply = [r for a, r in console.sent if a == who][-1]
    assert reply.attachment is not None, reply.text
    return reply.attachment


async def test_notice_numbered_sent_and_kept(app: App, console: RecordingAdapter) -> None:
    await say(app, console, "陈静", "督办 立项 县水利局 2026-12-01 修复水毁道路")
    await say(app, console, "陈静", "督办 立项 县林业局 2026-12-02 补种树苗")
    answer = await say(app, console, "陈静", "督查通知单 1")
    assert answer == "督查通知单 县政府办督〔2026〕1号，已发送承办单位联络员。"
    assert "📄 督查通知单 县政府办督〔2026〕1号" in console.texts("孙伟")[-1]
    file = _file(console, "孙伟")
    assert file.name == "督查通知单_县政府办督〔2026〕1号.docx"
    word = Document(io.BytesIO(file.data))
    lines = [p.text for p in word.paragraphs if p.text]
    assert lines[:2] == ["县人民政府办公室督查通知单", "县政府办督〔2026〕1号"]
    assert "县水利局：" in lines and "2026年11月26日" in lines
    cells = {row.cells[0].text: row.cells[1].text for row in word.tables[0].rows}
    assert cells["督办事项"] == "修复水毁道路" and cells["办理时限"] == "2026年12月1日前"
    again = await say(app, console, "陈静", "/task_notice 1")
    assert again.startswith("督查通知单 县政府办督〔2026〕1号（沿用原文号）")
    assert "县政府办督〔2026〕2号" in await say(app, console, "陈静", "督办 通知单 2")
    assert "县政府办督〔2026〕3号" in await say(app, console, "李明", "通报 公文")
    report = Document(io.BytesIO(_file(console, "李明").data))
    assert [p.text for p in report.paragraphs if p.text][1] == "县政府办督〔2026〕3号"
    assert "县政府办督〔2026〕3号" in await say(
        app, console, "陈静", "通报 公文 周"
    )  # same period
    history = await say(app, console, "陈静", "督办 1")
    assert history.count("督查通知单 陈静：县政府办督〔2026〕1号") == 1


async def test_notice_refusals(app: App, console: RecordingAdapter) -> None:
    await say(app, console, "陈静", "督办 立项 县水利局 2026-12-01 修复水毁道路")
    assert "没有编号为 9 的督办事项" in await say(app, console, "陈静", "督查通知单 9")
    assert "仅限" in await say(app, console, "孙伟", "督查通知单 1")
    assert "无法识别「年」" in await say(app, console, "李明", "通报 公文 年")
    assert "Word 公文：通报 公文 [周|月]" in await say(app, console, "李明", "通报 周 公文")
    assert "县政府办督〔2026〕1号" in await say(app, console, "陈静", "督查通知单 1")  # no gap


def test_the_prefix_is_only_the_agency_code() -> None:
    with pytest.raises(ConfigError, match="文号前缀只写机关代字"):
        parse_config({"supervision_docs": {"prefix": "县政府办督〔2027〕"}}, env={})

"""The chat working-day calculator."""

from __future__ import annotations

from bot.app import App
from tests.handlers.test_supervision import say
from tests.support import RecordingAdapter


async def test_workday_add_in_chinese_and_english(app: App, console: RecordingAdapter) -> None:
    reply = await say(app, console, "张三", "工作日 加 5 2023-09-27")
    assert reply.startswith("2023-09-27（星期三）后第 5 个工作日：2023-10-10（星期二）")
    assert "2023-10-10" in await say(app, console, "孙伟", "/workday_add 5 2023-09-27")


async def test_workday_add_defaults_to_today_and_warns_for_unknown_years(
    app: App, console: RecordingAdapter
) -> None:
    assert "2026-11-26（星期四）后第 1 个工作日：2026-11-27" in await say(
        app, console, "张三", "工作日 加 1"
    )
    reply = await say(app, console, "张三", "工作日 加 3 2026-12-30")
    assert "2027-01-04" in reply and "⚠️ 2027 年的节假日与调休安排未知" in reply


async def test_workday_add_refuses_bad_input(app: App, console: RecordingAdapter) -> None:
    assert "工作日数应为 0 或正整数" in await say(app, console, "张三", "工作日 加 -2")
    assert "参数「工作日数」有误" in await say(app, console, "张三", "工作日 加 五")

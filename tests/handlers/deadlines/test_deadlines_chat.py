"""The chat working-day calculator."""

from __future__ import annotations

from bot.app import App
from tests.handlers.supervision.test_supervision import say
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
    assert "应为 0 到 2500 之间的整数" in await say(app, console, "张三", "工作日 加 -2")
    assert "应为 0 到 2500 之间的整数" in await say(app, console, "张三", "工作日 加 9999999")
    assert "参数「工作日数」有误" in await say(app, console, "张三", "工作日 加 五")


async def test_deadline_of_a_rule_from_a_date(app: App, console: RecordingAdapter) -> None:
    reply = await say(app, console, "孙伟", "期限 petition.forward 2023-09-20")
    assert reply.startswith("登记后转送、交办（15自然日，次日起算，末日逢休息日顺延）")
    assert (
        "自 2023-09-20 起：2023-10-07（星期六）24:00 前（原为 2023-10-05，逢休息日顺延）" in reply
    )
    assert "依据：信访工作条例（2022） 第二十二条" in reply
    assert "可能是：petition.forward" in await say(app, console, "孙伟", "期限 forward")
    today = await say(app, console, "孙伟", "期限 supervision.sign")
    assert "2026-11-27 09:00 前" in today  # 24 小时 from now


async def test_rule_table_in_chat(app: App, console: RecordingAdapter) -> None:
    table = await say(app, console, "郑华", "规则表 信访")
    assert "petition.conclude 申诉求决类办结（出具处理意见书）：60自然日" in table
    assert "hotline" not in table
    assert "类别应为" in await say(app, console, "郑华", "规则表 天气")

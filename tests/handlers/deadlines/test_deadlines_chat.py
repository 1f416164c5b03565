"""The chat working-day calculator."""

from __future__ import annotations

from bot.app import App
from tests.handlers.supervision.test_supervision import say
from tests.models.deadlines.notice_2099 import NOTICE_2099
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
    assert "后第 3 个工作日：2027-01-05" in reply and "2027-01-01（元旦（推定））" in reply
    assert "⚠️ 2027 年的放假安排尚无正式通知，节假日为推定" in reply


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


async def test_an_admin_imports_a_notice_in_chat(app: App, console: RecordingAdapter) -> None:
    before = await say(app, console, "张三", "工作日 加 1 2099-01-01")
    assert "2099-01-02" in before and "推定" in before  # only 元旦 by the law, no 调休
    refused = await say(
        app, console, "刘洋", "导入节假日 " + NOTICE_2099.replace("共8天", "共9天")
    )
    assert (
        "行无法识别" in refused
        and "「二、春节：1月20日" in refused
        and "未导入任何日期" in refused
    )
    assert "2099-01-02" in await say(app, console, "张三", "工作日 加 1 2099-01-01")
    assert "仅限管理员" in await say(app, console, "张三", "导入节假日 " + NOTICE_2099)
    done = await say(app, console, "刘洋", "导入节假日 " + NOTICE_2099)
    assert "已导入《国务院办公厅关于2099年部分节假日安排的通知》" in done and "1月4日" in done
    after = await say(app, console, "张三", "工作日 加 1 2099-01-01")
    assert "2099-01-04（星期日）" in after and "推定" not in after  # the 调休 Sunday


async def test_deadlines_over_an_estimated_year_skip_its_holidays_and_say_so(
    app: App, console: RecordingAdapter
) -> None:
    reply = await say(app, console, "孙伟", "期限 petition.forward 2026-12-17")
    assert "2027-01-04（星期一）24:00 前（原为 2027-01-01，逢休息日顺延）" in reply  # 元旦
    assert "⚠️ 2027 年的放假安排尚无正式通知，节假日为推定" in reply
    reply = await say(app, console, "孙伟", "期限 petition.conclude 2026-12-07")
    # day 60 is 除夕 (Fri 02-05); 初一, 初二 on the weekend are made up on 02-09 and 02-10
    assert "2027-02-11（星期四）24:00 前（原为 2027-02-05" in reply

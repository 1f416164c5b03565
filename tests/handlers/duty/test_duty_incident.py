"""Incidents: report clocks by level from config, reminders before, escalation after, 初报 stops
them, numbered 续报, 终报 closes; /plan shows the configured plan."""

from __future__ import annotations

from bot.app import App
from bot.core.clock import FakeClock
from tests.duty_support import later, say
from tests.support import RecordingAdapter


async def test_incident_clocks_and_reports(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, "突发 新建 较大 森林火灾 城关镇后山起火")
    text = console.texts("张三")[-1]
    assert "已立突发事件 #1【较大·森林火灾】" in text
    assert "电话报告 2026-11-26 09:30" in text and "书面报告 2026-11-26 10:00" in text
    assert "河南省应急管理厅" in text  # the rule's source is shown
    await later(app, clock, minutes=20)
    assert "电话报告时限 2026-11-26 09:30" in console.texts("张三")[-1]
    await later(app, clock, minutes=10)
    for who in ("张三", "李明", "刘洋"):
        assert any("【超时】" in t and "电话报告" in t for t in console.texts(who))
    await say(app, "突发 上报 1 已电话、书面报告县委县政府")
    assert "已记录事件 #1 初报" in console.texts("张三")[-1]
    sent = len(console.texts("张三"))
    await later(app, clock, minutes=40)  # past the written deadline: 初报 stopped that clock
    assert len(console.texts("张三")) == sent
    await say(app, "突发 续报 1 明火已扑灭，正在清理余火")
    assert "续报一" in console.texts("张三")[-1]
    await say(app, "突发 续报 1 无人员伤亡")
    assert "续报二" in console.texts("张三")[-1]
    await say(app, "突发 终报 1 处置完毕")
    assert "终报" in console.texts("张三")[-1]
    await later(app, clock, hours=13)  # the follow-up clock stopped with the 终报
    assert len([t for t in console.texts("张三") if "续报时限" in t]) == 0
    await say(app, "突发 列表")
    assert "没有未终报的突发事件" in console.texts("张三")[-1]
    await say(app, "突发 续报 1 补充")
    assert "已终报" in console.texts("张三")[-1]


async def test_report_order_and_levels_are_checked(app: App, console: RecordingAdapter) -> None:
    await say(app, "突发 新建 很大 防汛 水库险情")
    assert "级别应为 一般/较大/重大/特别重大" in console.texts("张三")[-1]
    await say(app, "突发 新建 一般 防汛 河道漫堤")
    await say(app, "突发 续报 1 水位回落")
    assert "还没有初报" in console.texts("张三")[-1]
    await say(app, "突发 上报 9")
    assert "没有编号为 9 的突发事件" in console.texts("张三")[-1]


async def test_plan_by_name_or_alias(app: App, console: RecordingAdapter) -> None:
    await say(app, "预案 防汛", sender="郑华")
    text = console.texts("郑华")[-1]
    assert "【防汛应急预案】" in text and "县防汛抗旱指挥部办公室" in text
    await say(app, "/plan 森林火灾", sender="郑华")
    assert "【森林防火应急预案】" in console.texts("郑华")[-1]
    await say(app, "预案 地震", sender="郑华")
    assert "没有预案「地震」" in console.texts("郑华")[-1]

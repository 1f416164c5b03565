"""Monthly use per unit: trips (dispatched and returned), hours (to 还车, or the booked end),
kilometres recorded at 还车; as text and as a workbook; a liaison sees only its unit."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from bot.app import App
from bot.core.clock import FakeClock
from tests.handlers.vehicles.support import DISPATCHER, fleet, say
from tests.schedules.supervision.test_supervision_pushes import at
from tests.support import RecordingAdapter


async def test_monthly_figures_per_unit(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await fleet(app, console)
    await say(app, console, "孙伟", "用车 申请 明天 09:00-12:00 河口乡 3 防汛检查")  # #1
    await say(app, console, "吴磊", "用车 申请 明天 13:00-17:00 城关镇 2 调研")  # #2
    await say(app, console, "孙伟", "用车 申请 明天 14:00-15:00 县城 1 开会")  # #3 declined
    await say(app, console, "孙伟", "用车 申请 11-28 08:00-10:00 县城 1 送材料")  # #4 cancelled
    await say(app, console, DISPATCHER, "派车 1 赣A12345 王建国")
    await say(app, console, DISPATCHER, "派车 2 赣A23456 李卫东")
    await say(app, console, DISPATCHER, "用车 拒绝 3 无车")
    await say(app, console, "孙伟", "用车 取消 4")
    assert "尚未出发" in await say(app, console, "王建国", "还车 1 35")
    await at(app, clock, console, 2026, 11, 27, 11, 30)  # back half an hour early
    assert "已还车，行驶 35 公里" in await say(app, console, "王建国", "还车 1 35")

    reply = await say(app, console, DISPATCHER, "用车 统计 2026-11")
    assert "2026年11月用车统计（全部单位）" in reply
    assert "城关镇：1 次，4.0 小时，0 公里（0 次登记里程）" in reply
    assert "县水利局：1 次，2.5 小时，35 公里（1 次登记里程）" in reply
    assert "合计：2 次，6.5 小时，35 公里（1 次登记里程）" in reply
    sent = console.sent[-1][1]
    assert sent.attachment is not None and sent.attachment.name == "用车统计_2026-11.xlsx"
    sheet = load_workbook(BytesIO(sent.attachment.data)).active  # drawn after the commit
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1] == [
        "单位",
        "出车次数",
        "用车时长（小时）",
        "行驶里程（公里）",
        "已登记里程的次数",
    ]
    assert rows[2:] == [
        ["县水利局", 1, 2.5, 35, 1],
        ["城关镇", 1, 4, 0, 0],
        ["合计", 2, 6.5, 35, 1],
    ]

    mine = await say(app, console, "孙伟", "用车 统计 2026-11")
    assert "县水利局：1 次" in mine and "城关镇" not in mine
    assert "不在您的查看范围" in await say(app, console, "孙伟", "用车 统计 2026-11 城关镇")
    assert "没有出车记录" in await say(app, console, DISPATCHER, "用车 统计 2026-10")
    assert "无法识别" in await say(app, console, DISPATCHER, "用车 统计 2026-13")

"""公车调派 through the dispatcher: overlapping dispatches refused naming the first (half-open
intervals), 拒绝 with a reason asked in a dialog, 取消 freeing the vehicle, forged buttons and
bad input refused with nothing changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.cli.users_cmd import revoke_person
from bot.core.clock import FakeClock, LocalTime
from bot.core.errors import UserError
from bot.store.audit import AuditLog
from models.vehicles.booking import check
from models.vehicles.records import Status, Vehicle
from models.vehicles.settings import VehiclesConfig
from tests.handlers.vehicles.support import DISPATCHER, booking, count, fleet, say
from tests.support import RecordingAdapter

ASK = "用车 申请 明天 09:00-12:00 河口乡 3 防汛检查"


async def _outcome(app: App) -> str:
    async with app.sessions() as session:
        found = await session.scalar(
            select(AuditLog.outcome)
            .where(AuditLog.kind == "command")
            .order_by(AuditLog.id.desc())
            .limit(1)
        )
    return found or ""


async def test_the_dispatcher_gets_a_card_and_chooses_among_free_vehicles_and_drivers(
    app: App, console: RecordingAdapter
) -> None:
    await fleet(app, console)
    reply = await say(app, console, "孙伟", ASK)
    assert "已提交用车申请 #1：2026-11-27 09:00—12:00，河口乡，3 人" in reply
    card = console.sent[-1]
    assert card[0] == DISPATCHER and "新的用车申请" in card[1].text and "县水利局" in card[1].text
    assert [b.command for b in card[1].buttons[0]] == ["用车 派车 1", "用车 拒绝 1"]
    await say(app, console, DISPATCHER, "用车 派车 1", button=True)
    choices = [b.command for row in console.sent[-1][1].buttons for b in row]
    assert choices == ["用车 派车 1 赣A12345", "用车 派车 1 赣A23456"]
    await say(app, console, DISPATCHER, "用车 派车 1 赣A12345", button=True)
    drivers = [b.command for row in console.sent[-1][1].buttons for b in row]
    assert drivers == ["用车 派车 1 赣A12345 李卫东", "用车 派车 1 赣A12345 王建国"]
    reply = await say(app, console, DISPATCHER, "用车 派车 1 赣A12345 王建国", button=True)
    assert "已为用车申请 #1 派出 赣A·12345（轿车，5座）" in reply
    assert "13800000021" in reply  # the dispatcher reads the driver's phone in private
    told = "\n".join(console.texts("孙伟"))
    assert "已派车" in told and "王建国 138****0021" in told  # the requester: masked
    assert "出车任务：用车申请 #1" in console.texts("王建国")[-1]


async def test_overlapping_assignment_is_refused_naming_the_first(
    app: App, console: RecordingAdapter
) -> None:
    await fleet(app, console)
    await say(app, console, "孙伟", ASK)
    await say(app, console, "吴磊", "用车 申请 明天 11:00-13:00 城关镇 2 调研")
    await say(app, console, "吴磊", "用车 申请 明天 12:00-13:00 城关镇 2 调研")
    assert "已为用车申请 #1" in await say(app, console, DISPATCHER, "派车 1 赣A12345 王建国")
    reply = await say(app, console, DISPATCHER, "派车 2 赣A12345 李卫东")
    assert (
        "赣A·12345（轿车，5座） 在 2026-11-27 09:00—2026-11-27 12:00 已派给 用车申请 #1" in reply
    )
    assert "县水利局" in reply and "重叠" in reply
    reply = await say(app, console, DISPATCHER, "派车 2 赣A23456 王建国")
    assert "驾驶员 王建国" in reply and "用车申请 #1" in reply
    assert (await booking(app, 2)).status == Status.ASKED
    # the free list leaves out what #1 holds
    await say(app, console, DISPATCHER, "派车 2")
    assert [b.label for row in console.sent[-1][1].buttons for b in row] == [
        "赣A·23456（商务车，7座）"
    ]
    # half-open: #3 starts at 12:00, when #1 ends
    assert "已为用车申请 #3" in await say(app, console, DISPATCHER, "派车 3 赣A12345 王建国")


async def test_a_declined_request_tells_the_requester_the_reason_asked_in_a_dialog(
    app: App, console: RecordingAdapter
) -> None:
    await fleet(app, console)
    await say(app, console, "孙伟", ASK)
    reply = await say(app, console, DISPATCHER, "用车 拒绝 1", button=True)
    assert "请直接回复拒绝用车申请 #1的理由" in reply
    assert (await booking(app, 1)).status == Status.ASKED
    reply = await say(app, console, DISPATCHER, "当天车辆均已派出，请改乘公交")
    assert "已拒绝用车申请 #1" in reply
    told = console.texts("孙伟")[-1]
    assert "未获派车" in told and "理由：当天车辆均已派出，请改乘公交" in told
    found = await booking(app, 1)
    assert found.status == Status.DECLINED and found.reason == "当天车辆均已派出，请改乘公交"
    assert "不能再派车" in await say(app, console, DISPATCHER, "派车 1 赣A12345 王建国")


async def test_cancel_tells_the_driver_and_frees_the_vehicle(
    app: App, console: RecordingAdapter
) -> None:
    await fleet(app, console)
    await say(app, console, "孙伟", ASK)
    await say(app, console, "吴磊", "用车 申请 明天 10:00-11:00 城关镇 2 调研")
    await say(app, console, DISPATCHER, "派车 1 赣A12345 王建国")
    assert "用车申请 #1" in await say(app, console, DISPATCHER, "派车 2 赣A12345 李卫东")
    assert "不在您的查看范围" in await say(app, console, "吴磊", "用车 取消 1")
    reply = await say(app, console, "孙伟", "用车 取消 1")
    assert reply == "已取消用车申请 #1，赣A·12345 已释放。"
    assert "用车申请 #1已由孙伟取消，赣A·12345 已释放" in console.texts("王建国")[-1]
    assert "已为用车申请 #2" in await say(app, console, DISPATCHER, "派车 2 赣A12345 李卫东")


async def test_a_forged_button_is_refused_and_changes_nothing(
    app: App, console: RecordingAdapter
) -> None:
    await fleet(app, console)
    await say(app, console, "孙伟", ASK)
    reply = await say(app, console, "孙伟", "用车 派车 1 赣A12345 王建国", button=True)
    assert await _outcome(app) == "forbidden" and "仅限" in reply
    reply = await say(app, console, "吴磊", "用车 还车 1 35", button=True)
    assert await _outcome(app) == "out_of_scope" and "用车申请 #1属于县水利局" in reply
    reply = await say(app, console, "王建国", "用车 取消 1", button=True)  # same office? no
    assert await _outcome(app) == "out_of_scope"
    found = await booking(app, 1)
    assert (found.status, found.vehicle_id, found.driver_id) == (Status.ASKED, None, None)


async def test_bad_input_is_answered_in_chinese_and_changes_nothing(
    app: App, console: RecordingAdapter
) -> None:
    await fleet(app, console)
    cases = {
        "用车 申请 今天 08:00-09:00 河口乡 3 检查": "已经过去",
        "用车 申请 明天 12:00-09:00 河口乡 3 检查": "应晚于出发时间",
        "用车 申请 明天 12:00-12:00 河口乡 3 检查": "应晚于出发时间",
        "用车 申请 明天 25:00-26:00 河口乡 3 检查": "日期或时刻无法识别",
        "用车 申请 明天 9点到12点 河口乡 3 检查": "应写作 09:00-12:00",
        "用车 申请 明天 09:00-12:00 河口乡 0 检查": "乘车人数应为 1 至 50 人",
        "用车 申请 明天 09:00-12:00 河口乡 1000 检查": "乘车人数应为 1 至 50 人",
        "用车 申请 明天 09:00-12:00 河口乡 三 检查": "乘车人数应为整数",
        "用车 申请 明天 09:00-12:00 河口乡 3 护送秘密★1年文件": "密级",
        "用车 申请 明天 09:00 返回=12-20 09:00 河口乡 3 检查": "缺少目的地",
        "用车 申请 明天 09:00-10:00 河口乡 3 检查 返回=12-20 09:00": "最长 7 天",
    }
    for text, expected in cases.items():
        reply = await say(app, console, "孙伟", text)
        assert expected in reply, (text, reply)
        assert "Traceback" not in reply
    assert await count(app) == 0
    for text, expected in {
        "用车 车辆 添加 XX12345 5 轿车": "车牌「XX12345」格式不对",
        "用车 车辆 添加 赣I12345 5 轿车": "格式不对",
        "用车 车辆 添加 赣B12345 0 轿车": "座位数「0」有误",
        "用车 车辆 添加 赣B12345 5 飞机": "车型应为",
        "用车 车辆 状态 赣A12345 报废": "在用」或「维修",
    }.items():
        assert expected in await say(app, console, DISPATCHER, text), text
    async with app.sessions() as session:
        vehicles = list(await session.scalars(select(Vehicle.plate).order_by(Vehicle.plate)))
    assert vehicles == ["赣A12345", "赣A23456"]


async def test_repair_and_a_revoked_driver_name_the_trips_still_dispatched(
    app: App, console: RecordingAdapter
) -> None:
    await fleet(app, console)
    await say(app, console, "孙伟", ASK)
    await say(app, console, "孙伟", "用车 申请 明天 14:00-15:00 县城 1 开会")
    await say(app, console, DISPATCHER, "派车 1 赣A12345 王建国")
    reply = await say(app, console, DISPATCHER, "用车 车辆 状态 赣A·12345 维修")
    assert "状态已设为「维修」" in reply and "仍有已派行程：用车申请 #1" in reply
    await say(app, console, DISPATCHER, "派车 2")
    assert [b.label for row in console.sent[-1][1].buttons for b in row] == [
        "赣A·23456（商务车，7座）"
    ]
    async with app.sessions.begin() as session:
        lines = await revoke_person(session, app.config, app.clock.now(), "王建国")
    assert "已停用驾驶员 王建国" in lines
    assert any("用车申请 #1 2026-11-27 09:00" in line for line in lines)
    await say(app, console, DISPATCHER, "派车 2 赣A23456")
    assert [b.label for row in console.sent[-1][1].buttons for b in row] == ["李卫东"]


async def test_help_lists_the_car_commands_a_liaison_may_use(
    app: App, console: RecordingAdapter
) -> None:
    reply = await say(app, console, "孙伟", "帮助 用车")
    assert "/car_apply" in reply and "/car_cancel" in reply and "/car_stats" in reply
    assert "/car_assign" not in reply  # dispatchers only
    await fleet(app, console)
    assert "/car_assign" in await say(app, console, DISPATCHER, "帮助 用车")


async def test_todays_bookings_own_unit_for_staff_all_for_the_dispatcher(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await fleet(app, console)
    await say(app, console, "孙伟", "用车 申请 今天 14:00-15:00 河口乡 3 防汛检查")
    await say(app, console, "吴磊", "用车 申请 今天 16:00-17:00 城关镇 2 调研")
    await say(app, console, "孙伟", "用车 申请 明天 09:00-10:00 县城 1 开会")
    await say(app, console, DISPATCHER, "派车 1 赣A12345 王建国")
    mine = await say(app, console, "孙伟", "今日用车")
    assert "2026-11-26 用车（县水利局）（1）" in mine and "#1 " in mine and "赣A·12345" in mine
    assert "#2" not in mine and "#3" not in mine
    every = await say(app, console, DISPATCHER, "/cars")
    assert "（全部单位）（2）" in every and "#2 " in every and "城关镇 → 城关镇（待派车）" in every
    clock.advance(days=1)
    assert "暂无用车" not in await say(app, console, "孙伟", "/cars")  # #3, still waiting


def test_free_text_with_a_marking_is_refused_before_it_is_stored() -> None:
    now = datetime(2026, 11, 26, 1, tzinfo=UTC)
    window = (now + timedelta(hours=1), now + timedelta(hours=2))
    tz = LocalTime("Asia/Shanghai")
    with pytest.raises(UserError, match="目的地含密级标识"):
        check(VehiclesConfig(), now, tz, window, "绝密★长期 基地", 2, "检查")
    with pytest.raises(UserError, match="用车事由含密级标识"):
        check(VehiclesConfig(), now, tz, window, "河口乡", 2, "送达机密★10年文件")
    assert check(VehiclesConfig(), now, tz, window, "河口乡", 2, "检查").destination == "河口乡"

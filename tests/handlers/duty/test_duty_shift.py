"""A whole duty day through the dispatcher and the ticker: reminders, 接班, 交班, 确认接班, and
the escalations when a check-in or a handover confirmation does not come."""

from __future__ import annotations

from bot.app import App
from bot.core.clock import FakeClock
from tests.duty_support import duty_app, later, say
from tests.support import RecordingAdapter


def _has(console: RecordingAdapter, who: str, needle: str) -> bool:
    return any(needle in t for t in console.texts(who))


async def test_a_whole_duty_day(app: App, clock: FakeClock, console: RecordingAdapter) -> None:
    await say(app, "接班")  # 09:00, 张三's slot started 08:30
    assert "已接班" in console.texts("张三")[-1]
    await later(app, clock, hours=7)  # 16:00: the day-before reminder for tomorrow
    assert _has(console, "赵丽", "明天您值班：11-27 全天")
    assert _has(console, "王刚", "明天您值班")
    assert not _has(console, "刘洋", "未接班")  # 张三 checked in: no escalation at 09:15
    await later(app, clock, hours=16)  # 11-27 08:00
    assert _has(console, "张三", "本班将于 08:30 结束")
    start = [r for a, r in console.sent if a == "赵丽" and "将于 08:30 开始" in r.text]
    assert start and start[0].buttons[0][0].command == "接班"
    await later(app, clock, minutes=5)
    await say(app, "交班 河口乡滑坡隐患点需继续关注")
    assert "已通知 赵丽 确认接班" in console.texts("张三")[-1]
    note = [r for a, r in console.sent if a == "赵丽" and "遗留事项" in r.text][-1]
    assert "河口乡滑坡隐患点需继续关注" in note.text
    await later(app, clock, minutes=10)
    await say(app, note.buttons[0][0].command, sender="赵丽")  # pressing 「确认接班」
    reply = console.texts("赵丽")[-1]
    assert (
        "已确认接班（2026-11-27 08:15）" in reply and "交班人：张三（2026-11-27 08:05）" in reply
    )
    assert _has(console, "张三", "赵丽 已确认接班")
    await later(app, clock, hours=2)  # past every escalation time
    for who in ("李明", "王刚", "刘洋"):
        assert not _has(console, who, "未接班") and not _has(console, who, "交接未确认")


async def test_missed_checkin_goes_to_the_leader_then_the_admin(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, "接班")
    await later(app, clock, hours=23, minutes=44)  # 11-27 08:44: 赵丽 due at 08:30
    assert not _has(console, "王刚", "未接班")
    await later(app, clock, minutes=1)
    assert _has(console, "王刚", "【未接班】赵丽 尚未接班")
    assert not _has(console, "刘洋", "未接班")
    await later(app, clock, minutes=30)  # 09:15
    assert _has(console, "刘洋", "【未接班】赵丽")


async def test_unconfirmed_handover_escalates(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, "接班")
    await later(app, clock, hours=23, minutes=5)  # 11-27 08:05
    await say(app, "/handover 无")
    await later(app, clock, minutes=30)
    assert _has(console, "李明", "【交接未确认】张三")
    assert not _has(console, "刘洋", "交接未确认")
    await later(app, clock, minutes=30)
    assert _has(console, "刘洋", "【交接未确认】张三")


async def test_checkin_refusals(app: App, console: RecordingAdapter) -> None:
    await say(app, "接班", sender="赵丽")  # her slot starts tomorrow
    assert "当前没有值班安排" in console.texts("赵丽")[-1]
    await say(app, "接班")
    await say(app, "接班")
    assert "已接班，无需重复" in console.texts("张三")[-1]
    await say(app, "确认接班")
    assert "没有待确认的交班" in console.texts("张三")[-1]
    await say(app, "接班", sender="李明")
    assert "仅限值班员" in console.texts("李明")[-1]


async def test_early_handover_needs_a_reason_and_tells_the_leader(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, "接班")  # 11-26 09:00; 张三's 全天 runs to 11-27 08:30
    await say(app, "交班 河口乡隐患点需继续关注")
    refusal = console.texts("张三")[-1]
    assert "2026-11-27 08:30 结束" in refusal
    assert "结束前 30 分钟内（2026-11-27 08:00 起）" in refusal
    assert "交班 提前 身体不适；" in refusal
    assert not _has(console, "赵丽", "已交班")  # nothing recorded, nobody told
    await say(app, "交班 提前")
    assert "请写明原因" in console.texts("张三")[-1]

    await say(app, "交班 提前 家中急事；河口乡隐患点需继续关注")
    assert "已通知 赵丽 确认接班" in console.texts("张三")[-1]
    leader = next(t for t in console.texts("李明") if "【提前交班】" in t)
    assert "张三 于 2026-11-26 09:00 交班" in leader and "原因：家中急事" in leader
    assert "遗留事项：河口乡隐患点需继续关注" in leader
    note = [r for a, r in console.sent if a == "赵丽" and "遗留事项" in r.text][-1]
    await say(app, note.buttons[0][0].command, sender="赵丽")  # at once, her slot is tomorrow
    assert "已确认接班（2026-11-26 09:00）" in console.texts("赵丽")[-1]
    assert _has(console, "张三", "赵丽 已确认接班")
    await later(app, clock, hours=2)
    assert not _has(console, "李明", "交接未确认")


async def test_handover_inside_the_configured_window_needs_no_reason(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await later(app, clock, hours=22, minutes=59)  # 11-27 07:59: a minute before the window
    await say(app, "交班 无")
    assert "如需提前交班" in console.texts("张三")[-1]
    await later(app, clock, minutes=1)
    await say(app, "交班 无")
    assert "已交班（2026-11-27 08:00）" in console.texts("张三")[-1]
    assert not _has(console, "李明", "【提前交班】")


async def test_the_handover_window_comes_from_the_duty_config(
    db_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    async for wide in duty_app(db_url, clock, {"console": console}, handover_window_minutes=120):
        await later(wide, clock, hours=21, minutes=30)  # 11-27 06:30: two hours before the end
        await say(wide, "交班 无")
        assert "已交班（2026-11-27 06:30）" in console.texts("张三")[-1]

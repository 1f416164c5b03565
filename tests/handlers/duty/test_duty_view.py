"""/duty and /myduty: the roster as officers see it, glued Chinese forms, unknown years."""

from __future__ import annotations

from sqlalchemy import update

from bot.app import App
from bot.core import redaction
from models.duty.records import DutySlot
from tests.duty_support import say
from tests.support import RecordingAdapter


async def test_duty_today_shows_leader_officer_and_phone(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, "/duty today", sender="郑华")
    text = console.texts("郑华")[-1]
    assert "11-26 周四（工作日）" in text
    assert "带班：李明" in text and "值班：张三" in text
    assert "13800000004" in text  # 张三's phone


async def test_a_slot_holding_a_marking_is_shown_redacted_and_the_admins_told(
    app: App, console: RecordingAdapter
) -> None:
    """A row that somehow holds a marking (a phone cell 机密★1年) never makes /duty fail."""
    async with app.sessions.begin() as session:
        await session.execute(update(DutySlot).values(phone="机密★1年"))
    await say(app, "/duty today", sender="郑华")
    await say(app, "值班")
    for who in ("郑华", "张三"):
        text = console.texts(who)[-1]
        assert redaction.REDACTED in text and "出错" not in text and "★" not in text
    assert any("【密级标识】" in text for text in console.texts("刘洋"))


async def test_glued_chinese_form_and_tomorrow(app: App, console: RecordingAdapter) -> None:
    await say(app, "值班明天")
    assert "值班：赵丽" in console.texts("张三")[-1]
    assert "带班：王刚" in console.texts("张三")[-1]


async def test_week_lists_every_day(app: App, console: RecordingAdapter) -> None:
    await say(app, "值班 本周")
    text = console.texts("张三")[-1]
    for day in ("11-23", "11-24", "11-25", "11-26", "11-29"):
        assert day in text
    assert text.count("未排班") == 3  # Mon–Wed precede the roster


async def test_the_roster_asked_for_as_a_table_is_this_week(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, "值班 本周")
    week = console.texts("张三")[-1]
    for asked in ("值班表", "/duty 值班表"):
        await say(app, asked)
        assert console.texts("张三")[-1] == week


async def test_myduty_lists_own_slots_with_role(app: App, console: RecordingAdapter) -> None:
    await say(app, "我的值班", sender="王刚")
    text = console.texts("王刚")[-1]
    assert "11-27 全天" in text and "（带班领导）" in text
    assert "11-26" not in text  # 李明 leads today


async def test_year_without_calendar_data_warns_instead_of_failing(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, "/duty 2027-01-04")
    text = console.texts("张三")[-1]
    assert "未排班" in text
    assert "2027 年的放假安排尚无正式通知，节假日为推定" in text


async def test_bad_date_explains_the_forms(app: App, console: RecordingAdapter) -> None:
    await say(app, "/duty someday")
    assert "本周" in console.texts("张三")[-1] and "2026-11-26" in console.texts("张三")[-1]

"""换班: ask → accept → the 带班领导 approves → the roster and reminders move to the colleague."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.store import due
from models.duty.records import DutySlot
from tests.duty_support import duty_app, later, say
from tests.support import RecordingAdapter

NOV_28 = date(2026, 11, 28)


async def _pending_keys(app: App, day: date) -> list[str]:
    async with app.sessions() as session:
        slot = await session.scalar(select(DutySlot).where(DutySlot.day == day))
        assert slot is not None
        query = select(due.DueItem.key).where(
            due.DueItem.key.startswith(f"duty:{slot.id}:"),
            due.DueItem.status == due.DueStatus.PENDING.value,
        )
        return sorted(k for k in await session.scalars(query) if k)


async def test_swap_moves_the_slot_and_its_reminders(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    keys = await _pending_keys(app, NOV_28)
    await say(app, "换班 11-28 @赵丽")
    assert "已向 赵丽 发出换班申请 #1" in console.texts("张三")[-1]
    ask = [r for a, r in console.sent if a == "赵丽" and "请您替班" in r.text][-1]
    assert [b.command for b in ask.buttons[0]] == ["换班 同意 1", "换班 拒绝 1"]
    await say(app, "换班 同意 1", sender="赵丽")
    assert "待带班领导审批" in console.texts("赵丽")[-1]
    approval = [r for a, r in console.sent if a == "李明" and "换班审批 #1" in r.text]
    assert approval and approval[0].buttons[0][0].command == "换班 批准 1"
    await say(app, "/duty 11-28", sender="郑华")
    assert "值班：张三" in console.texts("郑华")[-1]  # nothing changes before approval
    await say(app, "换班 批准 1", sender="李明")
    assert "换班 #1 已生效" in console.texts("李明")[-1]
    assert any("已生效" in t for t in console.texts("张三"))
    await say(app, "/duty 11-28", sender="郑华")
    assert "值班：赵丽" in console.texts("郑华")[-1]
    assert await _pending_keys(app, NOV_28) == keys  # re-planned, same set
    await later(app, clock, hours=31)  # 11-27 16:00: the day-before reminder for 11-28
    assert any("明天您值班：11-28" in t for t in console.texts("赵丽"))
    assert not any("明天您值班：11-28" in t for t in console.texts("张三"))


async def test_declined_swap_changes_nothing(app: App, console: RecordingAdapter) -> None:
    await say(app, "换班 11-28 @赵丽")
    await say(app, "换班 拒绝 1", sender="赵丽")
    assert "未同意换班 #1" in console.texts("张三")[-1]
    await say(app, "换班 批准 1", sender="李明")
    assert "已处理" in console.texts("李明")[-1]
    await say(app, "/duty 11-28")
    assert "值班：张三" in console.texts("张三")[-1]


async def test_swap_refusals(app: App, console: RecordingAdapter) -> None:
    await say(app, "换班 11-27 @钱芳")
    assert "11-27 没有您的值班" in console.texts("张三")[-1]
    await say(app, "换班 11-28 @陈静")
    assert "陈静 不是值班员" in console.texts("张三")[-1]
    await say(app, "换班 11-28 @李四")
    assert "找不到人员「李四」" in console.texts("张三")[-1]
    await say(app, "换班 11-28 @赵丽")
    await say(app, "换班 同意 1")  # only 赵丽 may accept
    assert "不是发给您的" in console.texts("张三")[-1]


async def test_without_leader_approval_the_acceptance_applies_it(
    db_url: str, clock: FakeClock, console: RecordingAdapter, fake: RecordingAdapter
) -> None:
    adapters = {"console": console, "fake": fake}
    async for bot in duty_app(db_url, clock, adapters, swap_needs_leader=False):
        await say(bot, "换班 11-28 @赵丽")
        await say(bot, "换班 同意 1", sender="赵丽")
        assert "换班 #1 已生效" in console.texts("赵丽")[-1]
        assert not any("换班审批" in t for t in console.texts("李明"))
        await say(bot, "/duty 11-28")
        assert "值班：赵丽" in console.texts("张三")[-1]

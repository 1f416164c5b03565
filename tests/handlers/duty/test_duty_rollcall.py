"""查岗: a leader's roll call, the 「到」 button with its response time, escalation when nobody
answers, random roll calls planned within the windows, monthly statistics."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.store import due
from models.duty.settings import DUTY
from schedules.duty.rollcall import RANDOM
from tests.duty_support import later, say
from tests.support import RecordingAdapter

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_answer_by_button_records_the_response_time(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, "查岗", sender="李明")
    assert "已向 张三 发出查岗" in console.texts("李明")[-1]
    ask = [r for a, r in console.sent if a == "张三" and "【查岗】" in r.text][-1]
    clock.advance(minutes=2, seconds=5)
    await say(app, ask.buttons[0][0].command)  # 「到 1」
    assert "已应答查岗，用时 2 分 5 秒" in console.texts("张三")[-1]
    assert "张三 已应答，用时 2 分 5 秒" in console.texts("李明")[-1]
    await later(app, clock, minutes=30)
    assert not any("【查岗未应答】" in t for t in console.texts("李明") + console.texts("刘洋"))
    await say(app, "查岗 统计", sender="王刚")
    assert "张三：查岗 1 次，应答 1，按时 1，平均 2分5秒" in console.texts("王刚")[-1]


async def test_unanswered_rollcall_goes_to_leader_then_admin(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, "/rollcall", sender="王刚")  # 李明 leads today's slot; 王刚 asked
    await later(app, clock, minutes=10)
    assert any("【查岗未应答】张三 在 10 分钟内未应答" in t for t in console.texts("李明"))
    assert any("【查岗未应答】张三" in t for t in console.texts("王刚"))
    assert not any("未应答" in t for t in console.texts("刘洋"))
    await later(app, clock, minutes=10)
    assert any("【查岗未应答】张三 在 20 分钟内未应答" in t for t in console.texts("刘洋"))
    await say(app, "到")  # late, but still recorded
    assert "（已超时）" in console.texts("张三")[-1]
    await say(app, "查岗 统计 2026-11", sender="李明")
    assert "应答 1，按时 0" in console.texts("李明")[-1]


async def test_typed_answer_without_rollcall_and_refusals(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, "到")
    assert "当前没有待您应答的查岗" in console.texts("张三")[-1]
    await say(app, "到", group=True, chat="县防汛抗旱指挥部群")
    assert console.texts("group:县防汛抗旱指挥部群") == []  # chatter in a group gets no reply
    await say(app, "查岗")
    assert "仅限" in console.texts("张三")[-1]


async def test_random_rollcall_is_planned_in_a_window_and_fires(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    clock.set(datetime(2026, 11, 26, 0, 5, tzinfo=SHANGHAI))
    assert await app.ticker.run_cron("duty-rollcall-plan")
    async with app.sessions() as session:
        items = list(await session.scalars(select(due.DueItem).where(due.DueItem.kind == RANDOM)))
    assert len(items) == 1
    local = items[0].due_at.astimezone(SHANGHAI).time()
    windows = DUTY.of(app.config).rollcall.windows
    assert any(w[:5] <= local.strftime("%H:%M") <= w[6:] for w in windows)
    clock.set(items[0].due_at)
    await later(app, clock, seconds=1)
    assert any("【查岗】" in t for t in console.texts("张三"))

"""Incident clocks count from 接报 (the log entry's 时间), 电话 and 书面 初报 are separate, 续报
follow fixed daily times or a rolling interval, and the 带班领导's alert shows every deadline."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from models.duty.incident import Incident
from models.duty.log import DutyLog
from tests.duty_support import duty_app, later, say
from tests.support import RecordingAdapter

FIRE = "记录 来电 城关镇某小区发生火灾，3人死亡 时间=8:40 地点=城关镇 单位=城关镇政府"


async def incident(app: App) -> Incident:
    async with app.sessions() as session:
        found = await session.scalar(select(Incident))
        assert found is not None
        return found


async def test_the_clocks_start_at_the_entrys_time_and_the_alert_shows_every_deadline(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, FIRE)  # logged at 09:00, the call came in at 08:40
    reply = console.texts("张三")[-1]
    assert "研判为「城乡火灾·较大」" in reply
    assert "接报 2026-11-26 08:40" in reply
    alert = next(t for t in console.texts("李明") if "【突发·较大】" in t)
    # 较大: 电话 30 min, 书面 60 min from 接报 — both shown, phone first
    assert "电话报告 2026-11-26 09:10，书面报告 2026-11-26 09:40" in alert
    async with app.sessions() as session:
        entry = await session.scalar(select(DutyLog))
        assert entry is not None
        assert entry.occurred == "8:40"
        assert entry.occurred_at == datetime(2026, 11, 26, 0, 40, tzinfo=UTC)
    assert (await incident(app)).reported_at == datetime(2026, 11, 26, 0, 40, tzinfo=UTC)
    await later(app, clock, minutes=10)  # 09:10: the phone report is late
    assert any("【超时】" in t and "电话报告" in t for t in console.texts("李明"))


async def test_a_time_given_later_moves_the_clocks_and_tells_the_leader(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, "记录 来电 河口乡报告李家村山体滑坡，3人遇难")  # 09:00, no 时间 yet
    assert "电话报告 2026-11-26 09:30" in console.texts("李明")[-1]
    await say(app, "时间=8:20")  # the answer repeats its label: stored as a time
    reply = console.texts("张三")[-1]
    assert "请补充地点" in reply and "事件 #1 改按接报时间计时" in reply
    assert "电话报告 2026-11-26 08:50，书面报告 2026-11-26 09:20" in reply
    update = console.texts("李明")[-1]
    assert "【突发·更新】" in update and "接报 2026-11-26 08:20" in update
    async with app.sessions() as session:
        entry = await session.scalar(select(DutyLog))
        assert entry is not None and entry.occurred == "8:20"
    await later(app, clock, minutes=1)  # the phone deadline has passed: escalated at once
    assert any("【超时】" in t and "电话报告" in t for t in console.texts("李明"))


async def test_an_unreadable_or_future_time_is_refused(
    app: App, console: RecordingAdapter
) -> None:
    await say(app, "记录 来电 城关镇某小区起火 时间=明天9:00")
    assert "还没到" in console.texts("张三")[-1] and "日志未保存" in console.texts("张三")[-1]
    await say(app, "记录 来电 城关镇某小区起火")
    await say(app, "九点半左右")
    assert "无法识别" in console.texts("张三")[-1]
    async with app.sessions() as session:
        entries = list(await session.scalars(select(DutyLog)))
    assert len(entries) == 1 and entries[0].occurred is None and entries[0].occurred_at is None


async def test_phone_and_written_reports_are_marked_apart(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(app, "突发 新建 较大 城乡火灾 城关镇某小区起火 接报=8:50")
    text = console.texts("张三")[-1]
    assert "接报 2026-11-26 08:50" in text and "电话报告 2026-11-26 09:20" in text
    assert "接报=" not in text
    await say(app, "突发 电话 1 已电话报告县委总值班室")
    assert "已记录事件 #1 电话报告" in console.texts("张三")[-1]
    assert "书面初报时限 2026-11-26 09:50" in console.texts("张三")[-1]
    assert "已有电话报告" in (await _said(app, console, "突发 电话 1"))
    await later(app, clock, minutes=20)  # 09:20: no phone alarm, it was made
    assert not any("电话报告时限" in t for t in console.texts("张三"))
    await later(app, clock, minutes=20)  # 09:40: the written reminder still runs
    assert "书面初报时限 2026-11-26 09:50" in console.texts("张三")[-1]
    await say(app, "突发 列表")
    assert "电话报告 2026-11-26 09:20（已报）" in console.texts("张三")[-1]
    await say(app, "突发 上报 1 书面报告已报送")
    assert "已记录事件 #1 初报" in console.texts("张三")[-1]
    # 较大: 续报 before 08:00 and 17:00 each day
    assert "下次续报请于 2026-11-26 17:00 前" in console.texts("张三")[-1]
    await later(app, clock, hours=7, minutes=10)  # 16:50
    assert "续报时限 2026-11-26 17:00" in console.texts("张三")[-1]
    await say(app, "突发 续报 1 明火已扑灭")  # 16:50: counts for 17:00; next is 08:00
    assert "下次续报请于 2026-11-27 08:00 前" in console.texts("张三")[-1]


async def _said(app: App, console: RecordingAdapter, text: str) -> str:
    await say(app, text)
    return console.texts("张三")[-1]


@pytest.fixture
async def rolling(db_url: str, clock: FakeClock, console: RecordingAdapter) -> AsyncIterator[App]:
    limits = {"较大": {"written_minutes": 60, "followup_hours": 4, "source": "本县规定"}}
    async for bot in duty_app(db_url, clock, {"console": console}, incident_limits=limits):
        yield bot


async def test_follow_ups_on_a_rolling_interval(
    rolling: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await say(rolling, "突发 新建 较大 防汛 河道漫堤")
    assert "电话报告" not in console.texts("张三")[-1]  # this level has no phone limit
    await say(rolling, "突发 上报 1 已书面报告")
    assert "下次续报请于 2026-11-26 13:00 前" in console.texts("张三")[-1]

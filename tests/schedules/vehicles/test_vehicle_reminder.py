"""The driver's reminder: at the start less the rule table's ``vehicle.remind`` (60 分钟 by
default, 30 when a county sets it), and never for a cancelled booking."""

from __future__ import annotations

from bot.app import App
from bot.core.clock import FakeClock
from tests.conftest import demo_app, make_config
from tests.handlers.vehicles.support import DISPATCHER, fleet, say
from tests.schedules.supervision.test_supervision_pushes import at
from tests.support import RecordingAdapter


async def _dispatched(app: App, console: RecordingAdapter) -> None:
    await fleet(app, console)
    await say(app, console, "孙伟", "用车 申请 明天 09:00-12:00 河口乡 3 防汛检查")
    await say(app, console, DISPATCHER, "派车 1 赣A12345 王建国")


async def test_the_driver_is_reminded_the_rules_lead_time_before_departure(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await _dispatched(app, console)
    assert "王建国" not in await at(app, clock, console, 2026, 11, 27, 7, 59)
    sent = await at(app, clock, console, 2026, 11, 27, 8, 0)
    assert list(sent) == ["王建国"]
    assert "出车提醒：2026-11-27 09:00 出发" in sent["王建国"][0]
    assert "赣A·12345" in sent["王建国"][0] and "孙伟（县水利局）" in sent["王建国"][0]
    assert await at(app, clock, console, 2026, 11, 27, 8, 30) == {}  # once


async def test_the_lead_time_comes_from_the_config_rule_table(
    sqlite_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    config = make_config(sqlite_url, rules={"vehicle.remind": {"amount": 30}})
    async with demo_app(config, clock, {"console": console}) as app:
        await _dispatched(app, console)
        assert "王建国" not in await at(app, clock, console, 2026, 11, 27, 8, 29)
        assert "王建国" in await at(app, clock, console, 2026, 11, 27, 8, 30)


async def test_a_cancelled_booking_reminds_nobody(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await _dispatched(app, console)
    await say(app, console, "孙伟", "用车 取消 1")
    assert await at(app, clock, console, 2026, 11, 27, 8, 0) == {}

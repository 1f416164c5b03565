"""Two dispatchers assigning the same vehicle to overlapping requests at the same moment, each
in its own session: exactly one succeeds, the other is refused naming the winner (SQLite's
BEGIN IMMEDIATE; PostgreSQL's row locks)."""

from __future__ import annotations

import asyncio

from bot.app import App
from bot.core.clock import LocalTime
from bot.core.errors import UserError
from models.vehicles.booking import assign
from models.vehicles.records import Status
from tests.handlers.vehicles.support import booking, fleet, say
from tests.support import RecordingAdapter


async def test_two_dispatchers_assigning_one_vehicle_at_once_one_wins(
    app: App, console: RecordingAdapter
) -> None:
    await fleet(app, console)
    await say(app, console, "孙伟", "用车 申请 明天 09:00-12:00 河口乡 3 防汛检查")
    await say(app, console, "吴磊", "用车 申请 明天 10:00-11:00 城关镇 2 调研")
    tz = LocalTime("Asia/Shanghai")
    both_in = asyncio.Barrier(2)
    results: dict[int, str] = {}

    async def dispatch(booking_id: int, driver: str) -> None:
        await both_in.wait()  # start together
        try:
            async with app.sessions.begin() as session:
                await assign(
                    session,
                    booking_id,
                    "赣A12345",
                    driver,
                    dispatcher_id=1,
                    now=app.clock.now(),
                    tz=tz,
                )
                await asyncio.sleep(0.2)  # hold the transaction open while the other tries
            results[booking_id] = "ok"
        except UserError as exc:
            results[booking_id] = str(exc)

    await asyncio.gather(dispatch(1, "王建国"), dispatch(2, "李卫东"))
    won = [b for b, outcome in results.items() if outcome == "ok"]
    assert len(won) == 1, results
    lost = 3 - won[0]
    assert f"已派给 用车申请 #{won[0]}" in results[lost]
    statuses = {b: (await booking(app, b)).status for b in (1, 2)}
    assert statuses == {won[0]: Status.ASSIGNED, lost: Status.ASKED}

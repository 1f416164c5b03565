"""A 12345 push whose deadline falls in a year without official holiday data says it is 推定."""

from __future__ import annotations

from bot.app import App
from bot.core.clock import FakeClock
from tests.handlers.tickets.test_tickets import ingest
from tests.schedules.supervision.test_supervision_pushes import at
from tests.support import RecordingAdapter


async def test_ticket_pushes_in_an_estimated_year_say_so(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    await at(app, clock, console, 2099, 1, 14, 9)
    await ingest(app, category="咨询", received_at="2099-01-14T09:00:00")
    sent = await at(app, clock, console, 2099, 1, 16, 9, 1)
    pushes = [t for t in sent.get("吴磊", []) if "工单" in t and "期限：" in t]
    assert pushes and all("期限按推定的 2099 年节假日计算" in t for t in pushes)

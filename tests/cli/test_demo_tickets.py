"""The demo's 12345 tickets: a few dozen over several units, dated back from the clock's now,
some overdue, a typical case, a likely duplicate — so the README's ticket commands answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.cli.demo_tickets import cases, seed_tickets
from bot.core.clock import FakeClock
from bot.store import due
from models.tickets.ingest import duplicates
from models.tickets.records import Ticket
from tests.duty_support import app, say
from tests.support import RecordingAdapter

__all__ = ["app"]


async def seeded(bot: App, clock: FakeClock) -> list[str]:
    async with bot.sessions.begin() as session:
        return await seed_tickets(session, clock.now(), bot.config)


async def test_the_ticket_commands_have_something_to_show(
    app: App, clock: FakeClock, console: RecordingAdapter
) -> None:
    numbers = await seeded(app, clock)
    assert len(numbers) == len(cases()) >= 24
    assert numbers[0] == "12345-20261124-000101"  # received two days before the clock's now
    await say(app, f"工单 {numbers[0]}")
    card = console.texts("张三")[-1]
    assert "城关镇人民路路灯不亮" in card and "· 2026-11-24 09:" in card
    await say(app, "工单 超期")
    overdue = console.texts("张三")[-1]
    assert "⏰ 超期工单" in overdue
    assert int(overdue.split("超期工单 ")[1].split(" 张")[0]) >= 4
    for unit in ("县水利局", "县自然资源局", "县林业局", "城关镇"):
        assert unit in overdue, unit
    await say(app, "工单 搜索 路灯 不亮")
    assert numbers[0] in console.texts("张三")[-1] and numbers[1] in console.texts("张三")[-1]
    await say(app, "典型案例")
    assert "河道淤积多年未清理" in console.texts("张三")[-1]

    async with app.sessions() as session:
        first = await session.scalar(select(Ticket).where(Ticket.number == numbers[0]))
        assert first is not None
        assert [t.number for t in await duplicates(session, clock.now(), app.config, first)] == [
            numbers[1]
        ]
        units = await session.scalar(select(func.count(func.distinct(Ticket.lead_org_id))))
        assert units is not None and units >= 6
        late = await session.scalar(
            select(func.count()).where(
                due.DueItem.kind == "ticket.push",
                due.DueItem.status == due.DueStatus.PENDING.value,
                due.DueItem.due_at < clock.now(),
            )
        )
    assert late == 0  # the month before the bot: nothing of it is pushed as if late


@pytest.mark.parametrize("days", [0, 400])
async def test_dates_follow_the_clock(app: App, clock: FakeClock, days: int) -> None:
    clock.advance(days=days)
    numbers = await seeded(app, clock)
    async with app.sessions() as session:
        newest = await session.scalar(select(func.max(Ticket.received_at)))
        oldest = await session.scalar(select(func.min(Ticket.received_at)))
    assert newest is not None and oldest is not None
    assert clock.now() - timedelta(days=1) < newest < clock.now()
    assert clock.now() - timedelta(days=31) < oldest
    assert (clock.now() + timedelta(hours=8)).strftime("%Y%m%d") in numbers[-1]

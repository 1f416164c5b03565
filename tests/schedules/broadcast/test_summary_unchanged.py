"""The live summary is not sent again when nothing changed (a restart, a round with no new ack)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.app import App
from bot.cli.demo import seed
from bot.core.clock import FakeClock
from bot.store.outbox import OutboxMessage
from models.broadcast import records as bc
from models.broadcast.settings import BROADCAST
from models.broadcast.summary import last_summary, queue_summary
from tests.broadcast_drill import DRILL_CONFIG, enlist
from tests.conftest import make_config
from tests.schedules.broadcast.test_broadcast_chase import ConsoleDrill
from tests.support import RecordingAdapter

PEOPLE = ["员00", "员01", "员02", "乡长"]


async def _summaries(app: App) -> int:
    async with app.sessions() as session:
        count = await session.scalar(
            select(func.count()).where(OutboxMessage.kind == "broadcast_summary")
        )
    return int(count or 0)


async def _due_summary_again(app: App, clock: FakeClock) -> None:
    async with app.sessions.begin() as session:
        found = await session.get(bc.Broadcast, 1)
        assert found is not None
        await queue_summary(session, clock.now(), found, BROADCAST.of(app.config))


async def test_an_unchanged_summary_is_not_sent_again(
    db_url: str, clock: FakeClock, console: RecordingAdapter
) -> None:
    config = make_config(db_url, **DRILL_CONFIG)
    app = await App.create(config, clock=clock, adapters={"console": console}, auto_upgrade=True)
    try:
        async with app.sessions.begin() as session:
            await seed(session, clock.now(), timedelta(hours=24))
        await enlist(app, lambda name: ("console", name), PEOPLE)
        chat = ConsoleDrill(app, console, clock)
        await chat.say("应急广播 演练 红色 防汛演练：请于 10 时前到岗")
        await chat.say("确认广播 1")
        await chat.ack(PEOPLE)
        await chat.tick(1)
        async with app.sessions() as session:
            found = await session.get(bc.Broadcast, 1)
            assert found is not None
            assert "已确认 4 / 4" in (await last_summary(session, found) or "")
        sent = await _summaries(app)
        assert sent >= 1
        clock.advance(hours=1)  # a restart: the summary update falls due again, nothing changed
        await _due_summary_again(app, clock)
        await app.start(scheduler=False)
        await chat.tick(1)
        assert await _summaries(app) == sent
        await chat.ack(["员00"])  # a repeated ack changes nothing either
        await chat.tick(1)
        assert await _summaries(app) == sent
    finally:
        await app.stop()

"""The acknowledgement loop on a fake clock over the console: the drill of tests/broadcast_drill.py
(100 recipients, 10% never ack, 5% ack late), acks typed as 收到."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.app import App
from bot.cli.demo import seed
from bot.core.clock import FakeClock
from tests.broadcast_drill import DRILL_CONFIG, SENDER, enlist, run_drill
from tests.conftest import make_config
from tests.support import RecordingAdapter, incoming


@dataclass
class ConsoleDrill:
    """:class:`tests.broadcast_drill.DrillChat` over the console."""

    app: App
    console: RecordingAdapter
    clock: FakeClock

    async def say(self, text: str) -> None:
        await self.app.dispatcher.receive(incoming(text, sender=SENDER))
        await self.app.sender.drain()

    async def ack(self, names: list[str]) -> None:
        for name in names:
            await self.app.dispatcher.receive(incoming("收到", sender=name))
        await self.app.sender.drain()

    async def tick(self, minutes: float) -> None:
        self.clock.advance(minutes=minutes)
        await self.app.ticker.tick()
        await self.app.sender.drain()

    async def texts(self, name: str) -> list[str]:
        return self.console.texts(name)

    async def summary(self) -> str:
        return [r.text for a, _, r in self.console.edits if a == SENDER][-1]


@pytest.fixture
async def drill(db_url: str, clock: FakeClock, console: RecordingAdapter) -> AsyncIterator[App]:
    """The demo county (李明 leads) plus 测试乡, everyone on the console."""
    config = make_config(db_url, **DRILL_CONFIG)
    bot = await App.create(config, clock=clock, adapters={"console": console}, auto_upgrade=True)
    async with bot.sessions.begin() as session:
        await seed(session, clock.now(), timedelta(hours=24))
    await enlist(bot, lambda name: ("console", name))
    yield bot
    await bot.engine.dispose()


async def test_renotify_then_escalate_exactly_as_configured(
    drill: App, console: RecordingAdapter, clock: FakeClock
) -> None:
    await run_drill(ConsoleDrill(drill, console, clock), drill)

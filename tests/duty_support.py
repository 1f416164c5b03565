"""Duty test support: the App on the demo county with the committed duty config and a roster."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.app import App, load_config
from bot.cli.demo import seed, seed_roster
from bot.config import DEFAULT_CONFIG
from bot.core.clock import FakeClock
from models.duty.settings import DUTY
from tests.conftest import make_config
from tests.support import RecordingAdapter, incoming


def committed_duty(**overrides: Any) -> dict[str, Any]:
    """The committed config.yaml ``duty`` section (lexicon, limits, plans), with overrides."""
    data = DUTY.of(load_config(DEFAULT_CONFIG, env={})).model_dump(mode="json")
    data.update(overrides)
    return data


async def duty_app(
    db_url: str,
    clock: FakeClock,
    adapters: dict[str, RecordingAdapter],
    *,
    roster_days: int = 14,
    **duty: Any,
) -> AsyncIterator[App]:
    """Demo county plus a fair roster from today (张三 today, 赵丽 tomorrow, …)."""
    bot = await App.create(
        make_config(db_url, duty=committed_duty(**duty)),
        clock=clock,
        adapters=dict(adapters),
        auto_upgrade=True,
    )
    async with bot.sessions.begin() as session:
        await seed(session, clock.now(), timedelta(hours=24))
        if roster_days:
            await seed_roster(session, clock.now(), bot.config, roster_days)
    yield bot
    await bot.engine.dispose()


async def say(app: App, text: str, sender: str = "张三", **kwargs: Any) -> None:
    """Send one message and deliver what it queued."""
    await app.dispatcher.receive(incoming(text, sender=sender, **kwargs))
    await app.sender.drain()


async def later(app: App, clock: FakeClock, **delta: float) -> None:
    """Move the clock, fire what fell due, deliver it."""
    clock.advance(**delta)
    await app.ticker.tick()
    await app.sender.drain()


@pytest.fixture
async def app(
    db_url: str, clock: FakeClock, fake: RecordingAdapter, console: RecordingAdapter
) -> AsyncIterator[App]:
    """Overrides the shared ``app`` fixture for duty tests (imported by their conftest)."""
    async for bot in duty_app(db_url, clock, {"console": console, "fake": fake}):
        yield bot

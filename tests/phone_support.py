"""Phone ladder test support: the demo county and its roster, SMS and calls going through the
腾讯云 SDK to the local fake (bot/testing/tencent.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.adapters.sms import TencentSms, TencentVoice
from bot.app import App
from bot.cli.demo import seed, seed_roster
from bot.config import Config
from bot.core.clock import FakeClock
from bot.store import outbox
from bot.testing.tencent import SECRET_ID, SECRET_KEY, FakeTencent
from tests.support import RecordingAdapter


async def phone_app(
    config: Config, clock: FakeClock, console: RecordingAdapter, *, roster_days: int
) -> AsyncIterator[App]:
    """The App on the console plus ``sms`` and ``voice`` (config points them at the fake)."""
    adapters: dict[str, Any] = {
        "console": console,
        "sms": TencentSms(config.platforms.sms, SECRET_ID, SECRET_KEY),
        "voice": TencentVoice(config.platforms.voice, SECRET_ID, SECRET_KEY),
    }
    app = await App.create(config, clock=clock, adapters=adapters, auto_upgrade=True)
    async with app.sessions.begin() as session:
        await seed(session, clock.now(), timedelta(hours=24))
        await seed_roster(session, clock.now(), config, days=roster_days)
    try:
        yield app
    finally:
        await app.engine.dispose()


@dataclass
class PhoneRig:
    """An App whose SMS and calls reach ``fake``."""

    app: App
    fake: FakeTencent

    def texted(self) -> list[str]:
        """Numbers the fake accepted an SMS for, in order."""
        return list(self.fake.texted)

    def called(self) -> list[str]:
        """Numbers the fake accepted a call to, in order."""
        return [b["CalledNumber"] for b in self.fake.sends("SendTtsVoice")]


async def claim_sms(app: App, clock: FakeClock) -> list[outbox.Claimed]:
    """Take the SMS rows due as this instance's sender would (begin_send checks the owner), to
    hold them "in flight" while a test answers."""
    async with app.sessions.begin() as session:
        return await outbox.claim(
            session,
            clock.now(),
            lease=timedelta(seconds=60),
            limit=100,
            platforms=["sms"],
            owner=app.sender.owner,
        )

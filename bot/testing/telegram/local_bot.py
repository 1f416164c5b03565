"""DutyBot sending through the real Telegram adapter to the local Bot API server, not receiving:
the wiring the benchmarks and the crash test's child process share.

Unlike :func:`tests.adapters.telegram.harness.running_bot` (the composition root, receiving too),
this builds only what sending needs, from an explicit config, so a benchmark measures the outbox,
the sender and the adapter, and a child process can point at a server its parent runs:
``python -m bot.testing.telegram.local_bot DB_URL BASE_URL DRIVER NOW`` sends whatever is due
until it is killed (NOW: the parent's clock, ISO 8601, so both agree when leases expire).
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from bot.adapters.telegram import TOKEN_ENV, build_telegram
from bot.app import App, parse_config
from bot.config import Config
from bot.core.clock import Clock, SystemClock
from bot.testing.telegram.fake_bot_api import FakeBotApi
from bot.testing.telegram.fake_rules import Limits

TOKEN = "123456:TEST_token-for-the-local-bot-api"
TELEGRAM_LIMITS = {"overall_per_second": 30, "per_chat_per_second": 1, "per_group_per_minute": 20}


def server_limits(limited: bool) -> Limits:
    """Telegram's limits with no per-chat burst (as the bot is told to keep), or none at all."""
    return Limits(chat_burst=1) if limited else Limits(10**6, 10**6, 10**6)


@asynccontextmanager
async def local_server(limited: bool = True) -> AsyncIterator[FakeBotApi]:
    """A running local Bot API server for :data:`TOKEN`."""
    fake = FakeBotApi(TOKEN, limits=server_limits(limited))
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


def bot_settings(
    db_url: str, base_url: str, *, driver: str = "ptb", limited: bool = True, **sections: Any
) -> dict[str, Any]:
    """The config mapping (as a config file holds it) of Telegram only, at ``base_url``, with
    Telegram's rate limits (or none); ``sections`` add or replace top-level config sections."""
    return {
        "database": {"url": db_url},
        "platforms": {
            "console": {"enabled": False},
            "telegram": {
                "enabled": True,
                "driver": driver,
                "base_url": base_url,
                "register_commands": False,
                "rate_limit": TELEGRAM_LIMITS if limited else None,
            },
        },
        **sections,
    }


def bot_config(
    db_url: str, base_url: str, *, driver: str = "ptb", limited: bool = True, **sections: Any
) -> Config:
    """:func:`bot_settings` validated."""
    return parse_config(
        bot_settings(db_url, base_url, driver=driver, limited=limited, **sections), env={}
    )


@asynccontextmanager
async def local_bot(config: Config, clock: Clock | None = None) -> AsyncIterator[App]:
    """An App whose only adapter is Telegram, connected but not receiving."""
    adapter = build_telegram(config.platforms.telegram, None, {TOKEN_ENV: TOKEN})
    app = await App.create(config, clock=clock or SystemClock(), adapters={"telegram": adapter})
    adapter.dispatcher = app.dispatcher  # long buttons and group moves need the database
    await adapter.api.open()
    try:
        yield app
    finally:
        await adapter.api.close()
        await app.engine.dispose()


async def send_until(app: App, fake: FakeBotApi, count: int, within: float) -> float | None:
    """Run the sender until the server has accepted ``count`` messages in all.

    Returns:
        Seconds from the sender's start to the last of them, or None if that took longer than
        ``within`` seconds.
    """
    stop = asyncio.Event()
    started = time.monotonic()
    sender = asyncio.create_task(app.sender.run(stop))
    try:
        async with asyncio.timeout(within):
            await fake.wait_sent(count)
        return time.monotonic() - started
    except TimeoutError:
        return None
    finally:
        stop.set()
        app.sender.wake()
        await sender


async def _send_until_killed(url: str, base_url: str, driver: str, now: str) -> None:
    from bot.core.clock import LiveClock

    clock = LiveClock(datetime.fromisoformat(now))
    async with local_bot(bot_config(url, base_url, driver=driver), clock) as app:
        await app.sender.run(asyncio.Event())


if __name__ == "__main__":
    asyncio.run(_send_until_killed(*sys.argv[1:5]))

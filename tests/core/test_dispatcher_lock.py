"""A message arriving while another process holds SQLite's write lock: the loop keeps running."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.core.clock import FakeClock
from bot.store.inbox import InboxMessage
from bot.store.outbox import OutboxMessage
from tests.conftest import demo_app, make_config
from tests.locking import LATE, Heartbeat, locked
from tests.support import RecordingAdapter, incoming


@pytest.fixture
async def sqlite_app(
    sqlite_url: str, clock: FakeClock, console: RecordingAdapter
) -> AsyncIterator[App]:
    """The demo county on SQLite with the default (inline) driver."""
    async with demo_app(make_config(sqlite_url), clock, {"console": console}) as bot:
        yield bot


async def _count(app: App, model: type) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_message_waits_for_another_process_lock_and_is_handled_once(
    sqlite_app: App, console: RecordingAdapter, sqlite_url: str
) -> None:
    path = Path(sqlite_url.removeprefix("sqlite+aiosqlite:///"))
    inbox_before, outbox_before = (
        await _count(sqlite_app, InboxMessage),
        await _count(sqlite_app, OutboxMessage),
    )
    with locked(path, 1.0) as released:  # an admin's `dutybot users add` on the live box
        async with Heartbeat() as beat:
            await sqlite_app.dispatcher.receive(incoming("/whoami", message_id="locked-1"))
            handled = time.monotonic()
    assert handled >= released[0]
    assert beat.worst < LATE
    await sqlite_app.dispatcher.receive(incoming("/whoami", message_id="locked-1"))  # retried
    await sqlite_app.sender.drain()
    assert await _count(sqlite_app, InboxMessage) == inbox_before + 1
    assert await _count(sqlite_app, OutboxMessage) == outbox_before + 1
    assert len(console.texts("张三")) == 1
    assert "姓名：张三" in console.texts("张三")[0]

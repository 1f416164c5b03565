"""Two instances on one PostgreSQL database share the outbox: every row is claimed by one
sender (FOR UPDATE SKIP LOCKED) and delivered once, and both do part of the work."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.messages import Reply, Target
from bot.store import outbox
from tests.conftest import PG_SKIP, PG_URL, START, _pg_database, _pg_drop, make_config
from tests.support import RecordingAdapter

pytestmark = pytest.mark.postgres
CHATS, EACH = 40, 10


async def test_two_instances_deliver_every_row_once_between_them() -> None:
    if not PG_URL:
        pytest.skip(PG_SKIP)
    url = await _pg_database()
    clock = FakeClock(START)
    adapters = [RecordingAdapter(platform="fake"), RecordingAdapter(platform="fake")]
    apps: list[App] = []
    try:
        for adapter in adapters:
            config = make_config(url, outbox={"batch_size": 8, "backoff_base_seconds": 2})
            apps.append(
                await App.create(
                    config, clock=clock, adapters={"fake": adapter}, auto_upgrade=True
                )
            )
        async with apps[0].sessions.begin() as session:
            for n in range(EACH):
                for chat in range(CHATS):
                    target = Target("fake", f"chat{chat}")
                    await outbox.enqueue(
                        session, clock.now(), target, Reply(f"{chat}-{n}"), key=f"{chat}-{n}"
                    )
        stop = asyncio.Event()
        runs = [asyncio.create_task(app.sender.run(stop)) for app in apps]
        for _ in range(600):
            if sum(len(a.sent) for a in adapters) >= CHATS * EACH:
                break
            for app in apps:
                app.sender.wake()
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # a duplicate would show up now
        stop.set()
        await asyncio.gather(*runs)
        texts = Counter(r.text for a in adapters for _, r in a.sent)
        assert len(texts) == CHATS * EACH and set(texts.values()) == {1}
        assert all(a.sent for a in adapters)  # both instances took part
    finally:
        for app in apps:
            await app.engine.dispose()
        await _pg_drop(url)

"""The read-only queries behind `dutybot status`, /metrics and the auditor, on both backends."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.messages import Reply, Target
from bot.store import due, observe, outbox
from bot.store.instances import Instance


async def _queue(app: App, clock: FakeClock, key: str, platform: str, **kw: object) -> None:
    async with app.sessions.begin() as session:
        await outbox.enqueue(
            session,
            clock.now(),
            Target(platform, key),
            Reply("x"),
            key=key,
            **kw,  # type: ignore[arg-type]
        )


async def test_depths_and_platforms(app: App, clock: FakeClock) -> None:
    start = clock.now()
    await _queue(app, clock, "sent", "console", priority=outbox.Priority.EMERGENCY)
    await app.sender.drain()
    await _queue(app, clock, "waiting", "wecom")  # no adapter: stays pending
    await _queue(app, clock, "later", "wecom", not_before=start + timedelta(days=1))
    clock.advance(minutes=10)
    async with app.sessions() as session:
        found = await observe.depths(session, clock.now())
        per = await observe.platforms(session)
        scraped = await observe.depths(session, clock.now(), finished=False)
    assert found.outbox[("sent", 0)] == 1
    assert found.outbox[("pending", 6)] == 2
    assert found.oldest_unsent == start  # the future row is not late
    assert scraped.outbox == {("pending", 6): 2}  # a scrape leaves finished rows out
    assert per["console"].last_sent == start and per["console"].unsent == 0
    assert per["wecom"].last_sent is None and per["wecom"].unsent == 2
    assert per["wecom"].failed == 0


async def test_stuck_and_overdue_only_past_the_threshold(app: App, clock: FakeClock) -> None:
    start = clock.now()
    await _queue(app, clock, "waiting", "wecom")
    await _queue(app, clock, "own", "wecom", kind="auditor")
    async with app.sessions.begin() as session:
        await due.schedule(session, start, kind="k", due_at=start, payload={})
    after = timedelta(minutes=10)
    async with app.sessions() as session:
        clock.set(start + after)
        assert await observe.stuck_outbox(session, clock.now(), after) == []
        clock.advance(seconds=1)
        stuck = await observe.stuck_outbox(session, clock.now(), after, skip_kind="auditor")
        overdue = await observe.overdue_due(session, clock.now(), after)
    assert [(s.what, s.since, s.status) for s in stuck] == [("wecom:waiting", start, "pending")]
    assert [(s.what, s.since) for s in overdue] == [("k", start)]


async def test_instances_lists_who_beats(app: App, clock: FakeClock) -> None:
    async with app.sessions() as session:
        assert await observe.instances(session) == []
    now = clock.now()
    async with app.sessions.begin() as session:
        session.add(Instance(id="i-a", host="h", pid=7, started_at=now, heartbeat_at=now))
    async with app.sessions() as session:
        (row,) = await observe.instances(session)
    assert (row["实例"], row["主机"], row["进程"]) == ("i-a", "h", 7)
    assert row["心跳于"] == now

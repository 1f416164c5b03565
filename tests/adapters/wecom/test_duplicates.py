"""WeCom's duplicate check only where a retry could double a send: identical messages queued
twice both arrive; a row sent again after a timeout that did deliver arrives once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.adapters.wecom.outbound import duplicate_check
from bot.core.clock import FakeClock
from bot.core.messages import Reply, Target
from bot.store import outbox
from bot.store.outbox import OutboxMessage
from bot.testing.fakes import Fault
from bot.testing.wecom import FakeWeCom
from tests.adapters.rig import Rig

REMINDER = "请于 17:00 前报送今日值班情况"


async def _queue(rig: Rig, clock: FakeClock, *keys: str) -> None:
    async with rig.app.sessions.begin() as session:
        for key in keys:
            await outbox.enqueue(
                session, clock.now(), Target("wecom", "zhangsan"), Reply(REMINDER), key=key
            )


async def test_identical_reminders_both_arrive(
    rig: Rig, wecom: FakeWeCom, clock: FakeClock
) -> None:
    await _queue(rig, clock, "remind:1")
    await rig.app.sender.drain()
    clock.advance(seconds=120)  # the same reminder again, well within any check interval
    await _queue(rig, clock, "remind:2")
    await rig.app.sender.drain()
    assert wecom.texts("zhangsan") == [REMINDER, REMINDER] and wecom.deduplicated == 0
    assert all("enable_duplicate_check" not in body for body in wecom.to("zhangsan"))


async def test_a_retried_row_is_not_delivered_twice(
    rig: Rig, wecom: FakeWeCom, clock: FakeClock
) -> None:
    # WeCom takes the message but answers after the client's 0.5 s timeout: outcome unknown.
    wecom.fail_next(Fault(delay=1.0))
    await _queue(rig, clock, "remind:3")
    await rig.app.sender.drain()
    await asyncio.sleep(0.8)  # the fake carries the call out 1 s after it came
    assert wecom.texts("zhangsan") == [REMINDER]
    clock.advance(seconds=90)  # past the retry's backoff
    await rig.app.sender.drain()
    assert wecom.texts("zhangsan") == [REMINDER] and wecom.deduplicated == 1
    async with rig.app.sessions() as session:
        row = (await session.execute(select(OutboxMessage))).scalars().one()
    assert row.status == "sent" and row.attempts == 2
    # The retry asked for the check back to when the row was queued (90 s ago, plus a margin).
    assert wecom.checks == [95]


def test_the_check_reaches_back_to_the_queueing_at_most(clock: FakeClock) -> None:
    now = clock.now()
    assert duplicate_check(now - timedelta(seconds=30), now, 600) == {
        "enable_duplicate_check": 1,
        "duplicate_check_interval": 35,
    }
    assert duplicate_check(now - timedelta(hours=2), now, 600)["duplicate_check_interval"] == 600
    assert duplicate_check(None, now, 600)["duplicate_check_interval"] == 600
    assert duplicate_check(now, now, 0) == {}  # 0: the check is off

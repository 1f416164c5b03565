"""A platform that misbehaves in every way at once — flood control with retry_after, 5xx, no
answer, a connection closed without an answer, each once or on every attempt — and every row
ends sent exactly once or failed and reported to the admins: none is silently dropped.

tests/adapters/telegram/test_faults.py covers each transient fault alone; this one mixes them
with faults that never clear (attempts exhausted) and with the "drop" the local Bot API server
injects (bot/testing/telegram/fake_rules.py).
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.roles import Role
from bot.store.outbox import OutboxMessage
from tests.adapters.telegram.harness import add_person, next_due, queue, running_bot

ADMIN = 7000
ATTEMPTS = 4  # outbox.max_attempts in the test config
# Chat → (fault, how many times in a row); ATTEMPTS in a row means it never clears.
FAULTS = {
    7101: ("429", 2),
    7102: ("500", 1),
    7103: ("timeout", 1),
    7104: ("drop", 1),
    7105: ("drop", 2),
    7106: ("500", ATTEMPTS),
    7107: ("drop", ATTEMPTS),
    7108: ("timeout", ATTEMPTS),
}


async def _settle(app: App, clock: FakeClock) -> None:
    """Until nothing is left to send: backoffs and the admin alerts' spacing (a burst to one
    chat, put back a fraction of a second) are passed by moving the clock to the next due row."""
    for _ in range(1200):
        due = await next_due(app)
        if due is None:
            return
        if due > clock.now():
            clock.set(due)
        app.sender.wake()
        await asyncio.sleep(0.05)
    raise AssertionError("the outbox never emptied")


@pytest.mark.parametrize("driver", ["ptb", "aiogram"])
async def test_every_row_is_sent_once_or_reported_failed(
    db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    async with running_bot(db_url, clock, monkeypatch, driver=driver) as chat:
        assert chat.app.config.outbox.max_attempts == ATTEMPTS
        chat.fake.timeout_delay = 2.0  # the adapter gives up after 1 s
        chat.fake.limits.retry_after = 2
        await add_person(chat.app, "管理员", {Role.ADMIN}, telegram_id=ADMIN)
        for address, (fault, times) in FAULTS.items():
            chat.fake.fail("sendMessage", fault, times=times, chat_id=address)
            await queue(chat.app, address, f"通知{address}", f"k{address}")
        await _settle(chat.app, clock)
        assert not chat.fake.faults  # every fault really happened
        async with chat.app.sessions() as session:
            rows = {
                r.idempotency_key: r
                for r in await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.kind == "reply")
                )
            }
        alerts = chat.fake.texts(ADMIN)
        for address, (fault, times) in FAULTS.items():
            row = rows[f"k{address}"]
            if times < ATTEMPTS:  # retried until it went through, once
                assert (row.status, chat.fake.texts(address)) == ("sent", [f"通知{address}"])
            else:  # given up after every attempt, and the admins told about this row
                assert (row.status, row.attempts) == ("failed", ATTEMPTS), fault
                assert chat.fake.texts(address) == []
                assert [a for a in alerts if f"编号 {row.id}）" in a and "【投递失败】" in a]
        assert len(alerts) == sum(times == ATTEMPTS for _, times in FAULTS.values())
        # Polling went on meanwhile; the heartbeat writes this down for the auditor.
        assert chat.app.metrics.platform("telegram").last_polled is not None

"""Several instances on one PostgreSQL database with the local Bot API server: only the holder of
the polling lock calls getUpdates, another takes over when it stops or loses its connection,
every update is handled and answered once, and webhooks are served by any instance."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest

from bot.adapters.telegram.receive import Poller
from bot.core.clock import FakeClock
from bot.core.roles import Role
from bot.store.leader import AdvisoryLock
from bot.testing.telegram.fake_bot_api import FakeBotApi
from bot.testing.telegram.local_bot import TOKEN
from tests.adapters.telegram.harness import TelegramChat, add_person, running_bot, settle
from tests.conftest import PG_SKIP, PG_URL, _pg_admin, _pg_database, _pg_drop
from tests.store.test_leader import holder_pid, take_within

pytestmark = pytest.mark.postgres
OFFICER = 8101
TAKE_OVER = 10.0  # seconds: the promise in docs/deploy.md


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    if not PG_URL:
        pytest.skip(PG_SKIP)
    url = await _pg_database()
    yield url
    await _pg_drop(url)


@pytest.fixture
async def fake(clock: FakeClock) -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi(TOKEN)
    server.clock = lambda: clock.now().timestamp()
    await server.start()
    yield server
    await server.stop()


def poller(chat: TelegramChat) -> Poller:
    receiver = chat.adapter.receiver
    assert isinstance(receiver, Poller)
    return receiver


async def until(check: Callable[[], bool], within: float = TAKE_OVER) -> None:
    for _ in range(round(within / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within {within} s")


async def ask(chat: TelegramChat, fake: FakeBotApi, text: str) -> list[str]:
    """Push a message for whichever instance polls; wait until it is handled and answered."""
    await fake.wait_confirmed(await fake.push(fake.message_update(OFFICER, text)), TAKE_OVER)
    await settle(chat.app, chat.clock)
    return fake.texts(OFFICER)


@pytest.mark.parametrize("driver", ["ptb", "aiogram"])
async def test_one_instance_polls_and_another_takes_over_when_it_stops(
    pg_url: str,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeBotApi,
    driver: str,
) -> None:
    first_stack, second_stack = contextlib.AsyncExitStack(), contextlib.AsyncExitStack()
    async with first_stack, second_stack:
        first = await first_stack.enter_async_context(
            running_bot(pg_url, clock, monkeypatch, driver=driver, fake=fake)
        )
        second = await second_stack.enter_async_context(
            running_bot(pg_url, clock, monkeypatch, driver=driver, fake=fake)
        )
        await add_person(first.app, "张三", {Role.OFFICER}, telegram_id=OFFICER)
        await until(lambda: poller(first).leading)
        await asyncio.sleep(2.5)  # several long polls and lock attempts of both
        assert fake.poll_overlaps == 0  # never two getUpdates callers at once
        assert not poller(second).leading
        assert len(await ask(first, fake, "/whoami")) == 1  # handled and answered once

        await first_stack.aclose()  # the polling instance stops
        await until(lambda: poller(second).leading)
        texts = await ask(second, fake, "/whoami")
        assert len(texts) == 2 and texts[0] == texts[1]
        assert fake.poll_overlaps == 0


async def test_holder_losing_its_connection_stops_polling_and_the_other_takes_over(
    pg_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, fake: FakeBotApi
) -> None:
    async with (
        running_bot(pg_url, clock, monkeypatch, driver="ptb", fake=fake) as first,
        running_bot(pg_url, clock, monkeypatch, driver="ptb", fake=fake) as second,
    ):
        await add_person(first.app, "张三", {Role.OFFICER}, telegram_id=OFFICER)
        await until(lambda: poller(first).leading)
        lock = poller(first).leadership
        assert lock is not None
        key = getattr(lock, "key")  # noqa: B009 - the port does not expose the store's key
        await _pg_admin(f"SELECT pg_terminate_backend({await holder_pid(pg_url, key)})")
        await until(lambda: poller(second).leading and not poller(first).leading)
        assert len(await ask(second, fake, "/whoami")) == 1


async def test_webhooks_are_served_by_any_instance_and_handled_once(
    pg_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, fake: FakeBotApi
) -> None:
    async with (
        running_bot(pg_url, clock, monkeypatch, driver="ptb", mode="webhook", fake=fake) as one,
        running_bot(pg_url, clock, monkeypatch, driver="ptb", mode="webhook", fake=fake) as two,
    ):
        await add_person(one.app, "张三", {Role.OFFICER}, telegram_id=OFFICER)
        update = fake.message_update(OFFICER, "/whoami")
        # A retry of the same update reaching the other instance behind the proxy:
        assert await one.post(update) == 200
        assert await two.post(update) == 200
        await one.adapter.settle()
        await two.adapter.settle()
        await settle(one.app, clock)
        assert len(fake.texts(OFFICER)) == 1
        other = fake.message_update(OFFICER, "/whoami")
        assert await two.post(other) == 200
        await two.adapter.settle()
        await settle(two.app, clock)
        assert len(fake.texts(OFFICER)) == 2
        assert not any(method == "getUpdates" for method, _ in fake.calls)


async def test_an_instance_that_could_not_reach_the_lock_retries_at_the_lock_pace(
    pg_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, fake: FakeBotApi
) -> None:
    slow = {"retry_seconds": 20}  # a failed poll backs off 20 s, 40 s …; the lock tries every 0.2
    holder = AdvisoryLock(pg_url, "unused")
    async with running_bot(
        pg_url, clock, monkeypatch, driver="ptb", fake=fake, telegram=slow
    ) as chat:
        await until(lambda: poller(chat).leading)
        lock = poller(chat).leadership
        assert isinstance(lock, AdvisoryLock)
        good = lock.url
        lock.url = "postgresql+asyncpg://nobody@127.0.0.1:9/none"  # the database out of reach
        await _pg_admin(f"SELECT pg_terminate_backend({await holder_pid(pg_url, lock.key)})")
        holder.key = lock.key
        assert await take_within(holder, 5.0)  # another instance polls
        await asyncio.sleep(1.0)  # several failed attempts
        # It stops once its long poll (poll_timeout_seconds 1) ends and the lock check fails.
        await until(lambda: not poller(chat).leading, within=3.0)
        lock.url = good  # the database is back, and the other instance dies
        await holder.release()
        await until(lambda: poller(chat).leading, within=3.0)

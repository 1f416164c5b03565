"""A DutyBot wired to the local Bot API server through the real Telegram adapter, and the chat
harness the shared contract conversation speaks through (polling or webhook)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.adapters.telegram import SECRET_ENV, TOKEN_ENV, TelegramAdapter
from bot.adapters.telegram.receive import SECRET_HEADER
from bot.app import App, build_adapters
from bot.core.clock import FakeClock
from bot.core.messages import Reply, Target
from bot.core.roles import Role
from bot.http.server import HttpServer
from bot.store import outbox
from bot.store.outbox import OutboxMessage, OutboxStatus
from bot.testing.telegram.fake_bot_api import FakeBotApi, Json, Limits
from bot.testing.telegram.fake_updates import Sent
from bot.testing.telegram.local_bot import TOKEN
from models.directory import binding, groups
from models.directory.users import add_user
from tests.conftest import make_config

SECRET = "s3cret_token-for-tests"
WEBHOOK_PATH = "/telegram/webhook"
FAST = {"overall_per_second": 30, "per_chat_per_second": 10, "per_group_per_minute": 600}


async def next_due(app: App) -> datetime | None:
    """When the earliest outbox row not yet sent or given up is due (None: nothing left)."""
    unfinished = [OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]
    async with app.sessions() as session:
        return await session.scalar(
            select(func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status.in_(unfinished)
            )
        )


async def settle(app: App, clock: FakeClock, rounds: int = 400) -> None:
    """Wait until the running sender has delivered everything: rate-limit spacing passes in real
    time (the server's limits are real-time); longer backoffs are skipped by moving the clock."""
    for _ in range(rounds):
        due = await next_due(app)
        if due is None:
            return
        if due - clock.now() > timedelta(seconds=0.3):
            clock.set(due)
        app.sender.wake()
        await asyncio.sleep(0.05)
    raise AssertionError("the outbox never emptied")


@dataclass
class TelegramChat:
    """The :class:`tests.adapters.contract.ChatHarness` for Telegram."""

    app: App
    fake: FakeBotApi
    adapter: TelegramAdapter
    clock: FakeClock
    mode: str
    http: HttpServer

    async def deliver(self, update: Json) -> None:
        """Hand ``update`` to the bot the way Telegram would, and wait until it is handled."""
        if self.mode == "polling":
            await self.fake.wait_confirmed(await self.fake.push(update))
        else:
            assert await self.post(update) == 200
            await self.adapter.settle()

    async def post(self, update: Json, secret: str | None = SECRET) -> int:
        """POST to the webhook; returns the HTTP status."""
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.http.url + WEBHOOK_PATH, json=update, headers=headers) as resp,
        ):
            return resp.status

    async def say(self, sender: str, text: str, *, group: str | None = None) -> None:
        chat = int(group) if group else None
        await self.deliver(self.fake.message_update(int(sender), text, chat_id=chat))

    async def replies(self, sender: str, *, group: str | None = None) -> list[str]:
        await settle(self.app, self.clock)
        return self.fake.texts(int(group or sender))


@asynccontextmanager
async def running_bot(
    db_url: str,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    *,
    driver: str,
    mode: str = "polling",
    rate_limit: dict[str, Any] | None = None,
    fake: FakeBotApi | None = None,
    **sections: Any,
) -> AsyncIterator[TelegramChat]:
    """A DutyBot whose only platform is Telegram on a local Bot API server, built by the
    composition root from config and environment as in production (``sections``: more config)."""
    rate_limit = rate_limit or FAST
    own_fake = fake is None
    fake = fake or FakeBotApi(
        TOKEN,
        limits=Limits(
            per_second=int(rate_limit["overall_per_second"]),
            chat_burst=int(rate_limit["per_chat_per_second"]),
            group_per_minute=int(rate_limit["per_group_per_minute"]),
        ),
    )
    if own_fake:
        fake.clock = lambda: clock.now().timestamp()  # a jump lets a wait pass on both sides
        await fake.start()
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(SECRET_ENV, SECRET)
    telegram = {
        "enabled": True,
        "driver": driver,
        "mode": mode,
        "base_url": fake.base_url,
        "webhook_path": WEBHOOK_PATH,
        "poll_timeout_seconds": 1,
        "request_timeout_seconds": 1,
        "retry_seconds": 0.1,
        "leader_retry_seconds": 0.2,  # several instances on PostgreSQL: quick take-over
        "rate_limit": rate_limit,
    }
    telegram.update(sections.pop("telegram", {}))
    config = make_config(
        db_url,
        platforms={"console": {"enabled": False}, "telegram": telegram},
        http={"enabled": True},
        outbox={"backoff_base_seconds": 1, "max_attempts": 4},
        **sections,
    )
    http = HttpServer("127.0.0.1", 0)
    adapters = build_adapters(config, http)
    app = await App.create(config, clock=clock, adapters=adapters, auto_upgrade=True, http=http)
    adapter = adapters["telegram"]
    assert isinstance(adapter, TelegramAdapter)
    await app.start(scheduler=False)  # resumes stored messages, then starts receiving
    try:
        yield TelegramChat(app, fake, adapter, clock, mode, http)
    finally:
        await app.stop()
        if own_fake:
            await fake.stop()


def button(fake: FakeBotApi, chat_id: int, label: str) -> tuple[Sent, str]:
    """The latest message in ``chat_id`` with a button labelled ``label``, and its data."""
    for sent in reversed(fake.sent_to(chat_id)):
        for row in sent.keyboard:
            for one in row:
                if one["text"] == label:
                    return sent, str(one["callback_data"])
    raise AssertionError(f"no 「{label}」 button in chat {chat_id}")


async def press(fake: FakeBotApi, user: int, chat_id: int, label: str) -> int:
    """``user`` presses ``label`` under the latest message in ``chat_id`` that has it; returns
    the update's id (the bot has handled it once a getUpdates confirms it)."""
    sent, data = button(fake, chat_id, label)
    return await fake.push(fake.press_update(user, sent, data))


async def add_person(
    app: App, name: str, roles: set[Role], *, telegram_id: int | None = None
) -> str | None:
    """Create a person; bind ``telegram_id`` to them, or return a fresh bind code."""
    now = app.clock.now()
    async with app.sessions.begin() as session:
        user = await add_user(
            session, name=name, org="县应急管理局", roles=roles, now=now, new_unit=True
        )
        if telegram_id is None:
            return await binding.issue_code(session, user, now, timedelta(hours=24))
        await binding.bind_account(session, user, "telegram", str(telegram_id), now)
    return None


async def queue(app: App, address: int, reply: Reply | str, key: str) -> None:
    """Queue a message to a Telegram chat, as a handler or a job would."""
    reply = reply if isinstance(reply, Reply) else Reply(reply)
    async with app.sessions.begin() as session:
        await outbox.enqueue(
            session, app.clock.now(), Target("telegram", str(address)), reply, key=key
        )


async def register_group(app: App, chat_id: int, title: str, channel: str) -> None:
    """Register a Telegram group with one channel tag."""
    async with app.sessions.begin() as session:
        await groups.register(
            session,
            target=Target("telegram", str(chat_id)),
            title=title,
            channels=[channel],
            now=app.clock.now(),
        )

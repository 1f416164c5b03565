"""Emergency broadcast to N people through the outbox and sender at Telegram's limits.

The platform is an in-process fake that enforces Telegram's limits the way the server does —
more than 30 messages in any 1 s window, or more than one a second to one chat, gets a 429
with retry_after — and counts copies per chat. Baseline, in the same run: the sender's own
limiter pacing the same number of sends with no database. The physical minimum is (N−1)/30 s.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter, deque
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.app import App
from bot.config import RateLimit, parse_config
from bot.core.errors import DeliveryError
from bot.core.messages import ChatKind, IncomingMessage, Reply
from bot.core.roles import Role
from bot.delivery.limits import PlatformLimits
from bot.demo import seed
from models import binding
from models.outbox import OutboxMessage, OutboxStatus
from models.users import add_user


class LimitedTelegram:
    """Answers like the Bot API: a message id, or 429 when a limit is exceeded."""

    platform = "telegram"

    def __init__(self, limit: RateLimit, expected: int = 0) -> None:
        self.limit = limit
        self.expected = expected
        self.all_reached = asyncio.Event()
        self.window: deque[float] = deque()
        self.last_per_chat: dict[str, float] = {}
        self.copies: Counter[str] = Counter()
        self.too_many = 0
        self.last_at = 0.0

    def is_group(self, address: str) -> bool:
        return address.startswith("-")

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        now = time.monotonic()
        while self.window and now - self.window[0] >= 1.0:
            self.window.popleft()
        chat_gap = now - self.last_per_chat.get(address, -1e9)
        if len(self.window) >= self.limit.overall_per_second or chat_gap < (
            1 / self.limit.per_chat_per_second
        ):
            self.too_many += 1
            raise DeliveryError("Too Many Requests: retry after 1", retry_after=1)
        self.window.append(now)
        self.last_per_chat[address] = now
        self.copies[address] += 1
        self.last_at = now
        if len(self.copies) == self.expected:
            self.all_reached.set()
        return str(sum(self.copies.values()))

    async def start(self, dispatcher: object) -> None:
        return None

    async def stop(self) -> None:
        return None


def _msg(text: str, n: int) -> IncomingMessage:
    return IncomingMessage(
        platform="console",
        chat_id="李明",
        chat_kind=ChatKind.PRIVATE,
        sender_id="李明",
        text=text,
        message_id=f"bench{n}",
    )


async def _through_outbox(count: int, limit: RateLimit) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        config = parse_config(
            {
                "database": {"url": url},
                "channels": ["全体", "演练"],
                "broadcast": {"channels": {"演练": {"orgs": ["全县"]}}},
                "platforms": {"telegram": {"rate_limit": limit.model_dump()}},
            },
            env={},
        )
        fake = LimitedTelegram(limit, expected=count)
        app = await App.create(config, adapters={"telegram": fake})
        async with app.sessions.begin() as session:
            await seed(session, app.clock.now(), timedelta(hours=1))
            for i in range(count):
                user = await add_user(
                    session, name=f"员{i}", org="全县", roles={Role.LIAISON}, now=app.clock.now()
                )
                await binding.bind_account(
                    session, user, "telegram", str(10_000 + i), user.created_at
                )
        await app.dispatcher.receive(_msg("应急广播 演练 红色 台风红色预警：请立即转移", 1))
        stop = asyncio.Event()
        runner = asyncio.create_task(app.sender.run(stop))
        started = time.monotonic()
        await app.dispatcher.receive(_msg("确认广播 1", 2))
        app.sender.wake()
        await fake.all_reached.wait()
        stop.set()
        app.sender.wake()
        await runner
        unsent = await _open(app)
        await app.engine.dispose()
    return {
        "elapsed_s": round(fake.last_at - started, 2),
        "http_429": fake.too_many,
        "copies_per_recipient": sorted(set(fake.copies.values())),
        "recipients_reached": len(fake.copies),
        "rows_not_sent": unsent,
    }


async def _open(app: App) -> int:
    async with app.sessions() as session:
        return int(
            await session.scalar(
                select(func.count()).where(
                    OutboxMessage.platform == "telegram",
                    OutboxMessage.status.not_in([OutboxStatus.SENT.value]),
                )
            )
            or 0
        )


async def _limiter_only(count: int, limit: RateLimit) -> dict[str, Any]:
    """The same pacing with no database: what the limiter alone allows."""
    fake, limits = LimitedTelegram(limit), PlatformLimits(limit)
    started = time.monotonic()
    for i in range(count):
        address = str(10_000 + i)
        # Distinct chats: only the overall rate applies, and try_acquire waits that out.
        if await limits.try_acquire(address, False):
            raise RuntimeError("a fresh chat was told to wait")
        await fake.send(address, Reply("x"))
    return {"elapsed_s": round(fake.last_at - started, 2), "http_429": fake.too_many}


async def run(argv: list[str]) -> dict[str, Any]:
    """``python -m bench broadcast [COUNT]`` (default 1,000 recipients)."""
    count = int(argv[0]) if argv else 1000
    limit = RateLimit()  # Telegram's documented limits, as in config.yaml
    minimum = (count - 1) / limit.overall_per_second
    baseline = await _limiter_only(count, limit)
    outbox = await _through_outbox(count, limit)
    result = {
        "recipients": count,
        "physical_minimum_s": round(minimum, 2),
        "limiter_only": baseline,
        "outbox_and_sender": outbox,
        "ratio_to_minimum": round(outbox["elapsed_s"] / minimum, 3),
        "exactly_one_copy_each": outbox["copies_per_recipient"] == [1]
        and outbox["recipients_reached"] == count
        and outbox["rows_not_sent"] == 0,
    }
    print(f"physical minimum      {minimum:8.2f} s  ({count} messages at 30/s)")
    print(f"limiter only          {baseline['elapsed_s']:8.2f} s  429s {baseline['http_429']}")
    print(
        f"outbox + sender       {outbox['elapsed_s']:8.2f} s  429s {outbox['http_429']}  "
        f"copies per recipient {outbox['copies_per_recipient']}"
    )
    return result

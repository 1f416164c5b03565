"""The real limiter against a fake's one-second window while the event loop is slow: with
``strict_second`` no second of arrivals holds more than the limit, however late tasks wake.

The loop is held up by a task that blocks it (``time.sleep``) for 10–50 ms at a time, as a
machine under load does; the fake stamps each request when its handler runs on that loop, so
late wake-ups bunch arrivals. Without ``strict_second`` the same run is throttled: the grid of
slots alone does not hold (docs/benchmarks.md, escalation).
"""

from __future__ import annotations

import asyncio
import random
import time

import aiohttp
from aiohttp import web

from bot.config import RateLimit
from bot.core.clock import SystemClock
from bot.delivery.limits import PlatformLimits
from bot.testing.fakes import FakeServer, RateWindow

LIMIT = 20  # requests in any one second, the fake's and the limiter's
REQUESTS = 60
SENDERS = 3  # lanes side by side, as the sender runs them


class WindowFake(FakeServer):
    """Accepts at most LIMIT requests arriving in any one second, as bot/testing/tencent.py."""

    def __init__(self) -> None:
        super().__init__(SystemClock())
        self.window = RateWindow(LIMIT, 1.0, slack=1.0)
        self.accepted: list[float] = []
        self.app.router.add_post("/send", self._send)

    async def _send(self, request: web.Request) -> web.Response:
        await request.read()
        if not self.window.take("all", self.now()):
            self.throttled += 1
            return web.json_response({"code": "RequestLimitExceeded"}, status=429)
        self.accepted.append(self.now())
        return web.json_response({"ok": True})


async def _hold_the_loop(stop: asyncio.Event, seed: int) -> None:
    rng = random.Random(seed)
    while not stop.is_set():
        time.sleep(rng.uniform(0.01, 0.05))  # noqa: ASYNC251 - the point: nothing else runs
        await asyncio.sleep(rng.uniform(0, 0.03))


async def _run(strict: bool) -> tuple[WindowFake, float]:
    limit = RateLimit(overall_per_second=LIMIT, per_chat_per_second=1000, strict_second=strict)
    limits = PlatformLimits(limit, SystemClock())
    names = iter(range(REQUESTS))
    stop = asyncio.Event()

    async def lane(session: aiohttp.ClientSession, url: str) -> None:
        for n in names:
            assert await limits.try_acquire(f"chat{n}", group=False) is None

            await limits.answering(f"chat{n}", False, _post(session, url, n))

    async with WindowFake() as fake, aiohttp.ClientSession() as session:
        stall = asyncio.create_task(_hold_the_loop(stop, seed=18))
        started = time.monotonic()
        await asyncio.gather(*(lane(session, f"{fake.url}/send") for _ in range(SENDERS)))
        took = time.monotonic() - started
        stop.set()
        await stall
    return fake, took


async def _post(session: aiohttp.ClientSession, url: str, n: int) -> None:
    async with session.post(url, json={"n": n}) as answer:
        await answer.read()


def _busiest_second(stamps: list[float]) -> int:
    return max(sum(1 for t in stamps if s <= t < s + 1.0) for s in stamps)


async def test_strict_second_holds_under_a_slow_loop() -> None:
    fake, took = await _run(strict=True)
    assert fake.throttled == 0
    assert len(fake.accepted) == REQUESTS and _busiest_second(fake.accepted) <= LIMIT
    # Slower than the grid alone (round trips count), but not by much more than they take.
    assert took < REQUESTS / LIMIT * 2


async def test_the_grid_alone_is_throttled_under_a_slow_loop() -> None:
    fake, _ = await _run(strict=False)
    assert fake.throttled > 0

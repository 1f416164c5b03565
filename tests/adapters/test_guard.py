"""The callback gate on its own: the freshness window at its edges (on the injected clock), the
size cap on bodies that declare their length and on chunked ones, and sighting keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web

from bot.adapters.common.guard import CallbackGuard, Refused
from bot.core.clock import FakeClock
from bot.http.server import HttpServer

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
STAMP = int(NOW.timestamp())


def _guard(max_bytes: int = 1024) -> CallbackGuard:
    return CallbackGuard("wecom", FakeClock(NOW), window_seconds=300, max_bytes=max_bytes)


@pytest.mark.parametrize("offset", [-300, 0, 300])
def test_the_window_includes_its_edges(offset: int) -> None:
    _guard().fresh(str(STAMP + offset))
    _guard().fresh(str((STAMP + offset) * 1000), per_second=1000)


@pytest.mark.parametrize(
    ("stamp", "reason"),
    [
        (str(STAMP - 301), "stale"),
        (str(STAMP + 301), "stale"),
        (str((STAMP - 301) * 1000), "stale"),  # milliseconds read as seconds: far future
        ("", "unsigned"),
        ("-5", "unsigned"),
        ("1.5", "unsigned"),
        ("9" * 17, "unsigned"),
        ("١٧٦٤", "unsigned"),  # digits, but not ASCII ones
    ],
)
def test_outside_the_window_or_not_a_number_is_refused(stamp: str, reason: str) -> None:
    with pytest.raises(Refused) as info:
        _guard().fresh(stamp)
    assert info.value.status == 403 and info.value.reason.startswith(reason)


def test_a_sighting_needs_every_signed_part_and_a_genuine_signature() -> None:
    guard = _guard()
    key = guard.sighting(str(STAMP), True, "sig", str(STAMP), "nonce")
    assert len(key) == 64 and key != guard.sighting(str(STAMP), True, "sig", str(STAMP), "n2")
    for parts, genuine, reason in [
        (("", str(STAMP), "nonce"), True, "unsigned"),
        (("sig", str(STAMP), ""), True, "unsigned"),
        (("sig", str(STAMP), "nonce"), False, "forged"),
    ]:
        with pytest.raises(Refused, match=reason):
            guard.sighting(str(STAMP), genuine, *parts)


@pytest.fixture
async def server() -> AsyncIterator[tuple[HttpServer, list[int]]]:
    """A route reading its body through the gate; records how many bytes each read got."""
    http, reads = HttpServer("127.0.0.1", 0), []
    guard = _guard(max_bytes=64 * 1024)

    async def route(request: web.Request) -> web.Response:
        try:
            reads.append(len(await guard.read(request)))
        except Refused as refused:
            return guard.answer(request, refused)
        return web.Response(text="ok")

    http.add_route("POST", "/cb", route)
    await http.start()
    yield http, reads
    await http.stop()


async def test_bodies_over_the_cap_are_refused_declared_or_chunked(
    server: tuple[HttpServer, list[int]],
) -> None:
    http, reads = server
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(1000):  # 16 MB if it were all read
            sent += 1
            yield b"x" * 16 * 1024

    async with aiohttp.ClientSession() as session:
        async with session.post(f"{http.url}/cb", data=b"x" * 64 * 1024) as resp:
            assert resp.status == 200
        async with session.post(f"{http.url}/cb", data=b"x" * (64 * 1024 + 1)) as resp:
            assert resp.status == 413
        try:
            async with session.post(f"{http.url}/cb", data=endless()) as resp:
                assert resp.status == 413
        except aiohttp.ClientError:
            pass  # the server may close while the rest is still being sent
    assert reads == [64 * 1024]
    assert sent < 1000  # refused while the body was still arriving

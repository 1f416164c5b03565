"""A local fake platform server (aiohttp on 127.0.0.1, port 0) with scripted faults, how the
fakes read file uploads (multipart/form-data), and how they post callbacks to the bot."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Self

import aiohttp
from aiohttp import web

from bot.core.clock import Clock, SystemClock


@dataclass(frozen=True)
class Fault:
    """What the next API call gets instead of the normal answer.

    ``delay`` seconds pass first (longer than the client timeout: a timeout); then ``status``
    with ``body`` is answered, or, when ``body`` is None and status is 200, the normal answer.
    """

    status: int = 200
    body: dict[str, Any] | None = None
    delay: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()
    # Hang up without a status line (a "silent drop": the call is not carried out).
    drop: bool = False


class HangUp(Exception):
    """Raised by :meth:`FakeServer.fault` for a ``drop``: the connection is closed unanswered."""


@web.middleware
async def _hang_up(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except HangUp:
        if request.transport is not None:
            request.transport.close()  # no status line, no body: the client sees a reset
        return web.Response(status=500)


class RateWindow:
    """A platform limit as the fakes enforce it: at most ``most`` calls per key in any
    ``seconds``-long window. ``slack`` (< 1) shortens the window a little, so a sender that
    keeps the limit exactly is not refused for a few milliseconds of network jitter."""

    def __init__(self, most: int, seconds: float, slack: float = 0.98) -> None:
        self.most, self.window = most, seconds * slack
        self._stamps: dict[str, deque[float]] = defaultdict(deque)

    def take(self, key: str, now: float) -> bool:
        """Count a call to ``key`` at ``now``; False (not counted) when over the limit."""
        stamps = self._stamps[key]
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        if len(stamps) >= self.most:
            return False
        stamps.append(now)
        return True


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its form field, file name, declared type and bytes."""

    field: str
    name: str
    mime: str
    data: bytes


async def read_form(request: web.Request) -> tuple[dict[str, str], dict[str, Upload]]:
    """The text fields and the uploaded files of a multipart or urlencoded request."""
    fields: dict[str, str] = {}
    files: dict[str, Upload] = {}
    for key, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            files[key] = Upload(key, value.filename, value.content_type, value.file.read())
        elif isinstance(value, str):
            fields[key] = value
    return fields, files


class FakeServer:
    """Base for the platform fakes: lifecycle, fault injection, a record of sends, and callbacks
    posted to the bot as the platform would, stamped by ``clock`` (the bot's, in tests).

    ``host`` is the loopback address it listens on; a test of a government deployment sets
    another one (``127.0.0.2``) before :meth:`start`: 政务微信 and 专有钉钉 have hosts of their
    own.
    """

    host = "127.0.0.1"

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        self.app = web.Application(client_max_size=64 * 1024 * 1024, middlewares=[_hang_up])
        self.faults: deque[Fault] = deque()
        self.sent: list[tuple[str, dict[str, Any]]] = []  # (receiver, body)
        self._by_receiver: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.throttled = 0  # calls answered with the platform's rate-limit error
        self.sent_at: dict[str, float] = {}  # receiver → time.monotonic() of its last message
        self.first_sent: float | None = None  # time.monotonic() of the first message
        self.uploads: dict[str, Upload] = {}  # media id → the file uploaded under it
        self._media_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    def fail_next(self, *faults: Fault) -> None:
        """Answer the next API calls with these faults, in order."""
        self.faults.extend(faults)

    async def fault(self) -> web.Response | None:
        """The scripted answer for this call, if one is pending."""
        if not self.faults:
            return None
        fault = self.faults.popleft()
        if fault.drop:
            raise HangUp
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.body is None and fault.status == 200:
            return None
        return web.json_response(
            fault.body or {}, status=fault.status, headers=dict(fault.headers)
        )

    async def start(self) -> str:
        """Listen on a free port; returns the base URL."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, 0).start()
        port = int(self._runner.addresses[0][1])  # the port the system picked
        self.url = f"http://{self.host}:{port}"
        return self.url

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def now(self) -> float:
        """Now on the fake's clock, in seconds since the epoch."""
        return self.clock.now().timestamp()

    async def post(
        self,
        url: str,
        data: bytes,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """POST ``data`` to the bot as the platform does; returns the status and the answer."""
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=data, headers=headers, params=params) as resp,
        ):
            return resp.status, await resp.text()

    def accept(self, receiver: str, body: dict[str, Any]) -> None:
        """A message now shows for ``receiver``."""
        self.sent.append((receiver, body))
        self._by_receiver[receiver].append(body)
        self.sent_at[receiver] = time.monotonic()
        self.first_sent = self.first_sent or self.sent_at[receiver]

    def to(self, receiver: str) -> list[dict[str, Any]]:
        """Bodies sent to ``receiver``, in order."""
        return list(self._by_receiver.get(receiver, ()))

    def keep(self, upload: Upload, prefix: str) -> str:
        """Remember an uploaded file; returns the media id the platform would answer."""
        media_id = f"{prefix}{next(self._media_ids)}"
        self.uploads[media_id] = upload
        return media_id

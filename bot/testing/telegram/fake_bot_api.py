"""A local Telegram Bot API server (aiohttp) for tests and benchmarks.

It speaks the real HTTP protocol at ``/bot<token>/<method>`` (form, multipart or JSON bodies,
file uploads: fake_media), so both drivers are pointed at it through their base-URL settings.
It keeps updates until a higher getUpdates offset confirms them, enforces the flood limits
(30/s overall, short bursts per chat, 20/min per group), checks text length, markup and
callback_data size, and injects faults on demand: 429 with ``parameters.retry_after``, 5xx,
timeouts (before or after carrying the call out), a connection closed without an answer,
supergroup migration, a bot blocked by a user or kicked from a group, a chat that does not exist.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections import defaultdict, deque
from collections.abc import Callable

from aiohttp import web

from bot.testing.fakes import read_form
from bot.testing.telegram.fake_media import JPEG, MediaMethods, message_json
from bot.testing.telegram.fake_rules import ApiReply, Dropped, Fault, FaultInjection, Limits
from bot.testing.telegram.fake_settings import BotSettings
from bot.testing.telegram.fake_updates import Json, Sent, UpdateFactory
from bot.testing.telegram.markup import visible_text

# What tests import from here (the rules and objects live in the fake_* modules beside it).
__all__ = ["ApiReply", "FakeBotApi", "Json", "Limits", "Sent"]

_INT_FIELDS = ("chat_id", "message_id", "offset", "limit", "timeout")
_JSON_FIELDS = ("reply_markup", "allowed_updates", "commands")


class FakeBotApi(MediaMethods, BotSettings, UpdateFactory, FaultInjection):
    """The server. ``base_url`` is what the drivers' base-URL settings get."""

    def __init__(self, token: str, username: str = "DutyTestBot", limits: Limits | None = None):
        super().__init__()
        self.token = token
        self.bot_id = int(token.split(":")[0])
        self.username = username
        self.limits = limits or Limits()
        self.updates: list[Json] = []
        self.confirmed = 0
        self.chats: dict[int, list[Sent]] = defaultdict(list)
        self.calls: list[tuple[str, Json]] = []
        self.faults: deque[Fault] = deque()
        self.throttled = 0
        self.sent_count = 0
        self.sent_at: dict[int, float] = {}  # chat → time.monotonic() of its last message
        self.first_sent: float | None = None  # time.monotonic() of the first message
        self.migrated: dict[int, int] = {}
        self.blocked: set[int] = set()
        self.unknown: set[int] = set()
        self.timeout_delay = 2.0
        # Telegram serves one getUpdates caller per bot (a second one meets 409 Conflict): count
        # the calls that arrived while another was still waiting, i.e. two instances polling.
        # (A caller that hung up does not count: Telegram would not answer it either.)
        self.polls: dict[int, web.Request] = {}
        self.poll_overlaps = 0
        # Seconds the flood limits are counted in: real time, or a test's clock that also jumps.
        self.clock: Callable[[], float] = time.monotonic
        self._sends: deque[float] = deque()
        self._per_chat: dict[int, deque[float]] = defaultdict(deque)
        self._arrived = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.app = web.Application(client_max_size=64 * 1024 * 1024)  # uploads
        self.app.router.add_post("/bot{token}/{method}", self._dispatch)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self.serve_file)
        self.hosted: dict[str, tuple[str, bytes]] = {"P1": ("photos/file_1.jpg", JPEG)}

    # ---- server ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])  # the port the system picked

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _params(self, request: web.Request) -> Json:
        if request.content_type == "application/json":
            raw: Json = await request.json()
        else:
            fields, files = await read_form(request)
            raw = {**fields, **files}
        params: Json = {}
        for key, value in raw.items():
            if key in _INT_FIELDS and isinstance(value, str) and value.lstrip("-").isdigit():
                value = int(value)
            elif key in _JSON_FIELDS and isinstance(value, str):
                value = json.loads(value)
            elif value in ("true", "false"):
                value = value == "true"
            params[key] = value
        return params

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
        handler = getattr(self, f"api_{method}", None)
        try:
            if handler is None:
                raise ApiReply(404, "Not Found: method not found")
            late = await self._inject(method, params)
            if method == "getUpdates":
                self._count_poller(request)
            try:
                result = await handler(params)
            finally:
                self.polls.pop(id(request), None)
        except ApiReply as exc:
            return web.json_response(exc.body, status=exc.status)
        except Dropped:
            if request.transport is not None:
                request.transport.close()  # no status line, no body: the client sees a reset
            return web.Response(status=500)
        if late:
            await asyncio.sleep(self.timeout_delay)  # carried out; the answer comes too late
        return web.json_response({"ok": True, "result": result})

    def _count_poller(self, request: web.Request) -> None:
        self.polls = {
            key: r
            for key, r in self.polls.items()
            if r.transport is not None and not r.transport.is_closing()
        }
        self.poll_overlaps += bool(self.polls)
        self.polls[id(request)] = request

    # ---- faults and limits -----------------------------------------------------------------

    def _throttle(self, chat_id: int) -> None:
        now, lim = self.clock(), self.limits
        chat = self._per_chat[chat_id]
        checks = [(self._sends, lim.per_second, 1.0), (chat, lim.chat_burst, 1.0)]
        if chat_id < 0:
            checks.append((chat, lim.group_per_minute, 60.0))
        for stamps, most, window in checks:
            recent = [t for t in stamps if t > now - window * lim.slack]
            if len(recent) >= most:
                self.throttled += 1
                retry = max(1, math.ceil(recent[-most] + window * lim.slack - now))
                raise ApiReply(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        while self._sends and self._sends[0] < now - 1:
            self._sends.popleft()
        while chat and chat[0] < now - 60:
            chat.popleft()
        self._sends.append(now)
        chat.append(now)

    def _check_chat(self, chat_id: int) -> None:
        if chat_id in self.migrated:
            raise ApiReply(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self.migrated[chat_id],
            )
        if chat_id in self.unknown:
            raise ApiReply(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            if chat_id < 0:
                raise ApiReply(403, "Forbidden: bot was kicked from the group chat")
            raise ApiReply(403, "Forbidden: bot was blocked by the user")

    # ---- updates ---------------------------------------------------------------------------

    async def push(self, update: Json) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        async with self._arrived:
            self.updates.append(update)
            self._arrived.notify_all()
        return int(update["update_id"])

    async def wait_confirmed(self, update_id: int, within: float = 10) -> None:
        """Until a getUpdates call confirms ``update_id`` (the poller has handled it)."""
        async with asyncio.timeout(within), self._arrived:
            await self._arrived.wait_for(lambda: self.confirmed > update_id)

    async def wait_sent(self, count: int, chat_id: int | None = None) -> None:
        """Until ``count`` messages have been accepted in all (or in ``chat_id``)."""
        async with self._arrived:
            await self._arrived.wait_for(
                lambda: (self.sent_count if chat_id is None else len(self.chats[chat_id])) >= count
            )

    async def api_getUpdates(self, params: Json) -> list[Json]:
        if self.webhook is not None:
            raise ApiReply(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            async with self._arrived:
                self.confirmed = max(self.confirmed, offset)
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                self._arrived.notify_all()
        limit = int(params.get("limit") or 100)
        if not self.updates and params.get("timeout"):
            async with self._arrived:
                try:
                    async with asyncio.timeout(float(params["timeout"])):
                        await self._arrived.wait_for(lambda: bool(self.updates))
                except TimeoutError:
                    pass
        return self.updates[:limit]

    def _validate(self, params: Json) -> tuple[str, list[list[Json]]]:
        text = visible_text(str(params.get("text", "")), params.get("parse_mode"))
        if not text.strip():
            raise ApiReply(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            raise ApiReply(400, "Bad Request: message is too long")
        keyboard = (params.get("reply_markup") or {}).get("inline_keyboard", [])
        for row in keyboard:
            for button in row:
                data = button.get("callback_data", "")
                if not 1 <= len(data.encode()) <= 64:
                    raise ApiReply(400, "Bad Request: BUTTON_DATA_INVALID")
        return text, keyboard

    async def api_sendMessage(self, params: Json) -> Json:
        chat_id = int(params["chat_id"])
        self._check_chat(chat_id)
        text, keyboard = self._validate(params)
        self._throttle(chat_id)
        sent = Sent(
            next(self._msg_ids[chat_id]), chat_id, text, params.get("parse_mode"), keyboard
        )
        await self.record(sent)
        return message_json(self, sent)

    async def record(self, sent: Sent) -> None:
        """A message now shows in its chat."""
        async with self._arrived:
            self.chats[sent.chat_id].append(sent)
            self.sent_count += 1
            self.sent_at[sent.chat_id] = time.monotonic()
            self.first_sent = self.first_sent or self.sent_at[sent.chat_id]
            self._arrived.notify_all()

    async def api_editMessageText(self, params: Json) -> Json:
        chat_id = int(params["chat_id"])
        self._check_chat(chat_id)
        text, keyboard = self._validate(params)
        found = [m for m in self.chats[chat_id] if m.message_id == params.get("message_id")]
        if not found:
            raise ApiReply(400, "Bad Request: message to edit not found")
        sent = found[0]
        if sent.text == text and sent.keyboard == keyboard:
            raise ApiReply(400, "Bad Request: message is not modified")
        self._throttle(chat_id)
        sent.text, sent.keyboard, sent.edits = text, keyboard, sent.edits + 1
        return message_json(self, sent)

    def texts(self, chat_id: int) -> list[str]:
        """Visible texts in ``chat_id``, in order (edited messages show their last text)."""
        return [m.text for m in self.chats.get(chat_id, [])]

    def sent_to(self, chat_id: int) -> list[Sent]:
        """The messages in ``chat_id`` with their markup and edit counts."""
        return list(self.chats.get(chat_id, []))

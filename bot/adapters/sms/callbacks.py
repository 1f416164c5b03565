"""The URL a phone provider pushes SMS replies or call key presses to.

Neither 阿里云 nor 腾讯云 signs these pushes, so the URL itself is the secret: the route is
``<callback_path>/<token>`` with the token from ``DUTYBOT_<PLATFORM>_CALLBACK_TOKEN``, compared
in constant time (a wrong one: 403). The shared guard caps the body (413) before it is read in
full; each item must be fresh (its own send time within ``callback_window_seconds``) or it is
dropped and logged. Every item is handled once (bot/core/phone_inbound.py), so a re-pushed
batch is answered as accepted and changes nothing. A database failure answers 503 and the
provider pushes again.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import TYPE_CHECKING

from aiohttp import web

from bot.adapters.common.guard import CallbackGuard, Refused
from bot.adapters.sms.pushes import ANSWERS, events
from bot.config.platforms import PhonePlatformConfig
from bot.core.clock import Clock
from bot.http.body import loads

if TYPE_CHECKING:
    from bot.core.phone_inbound import PhoneInbound
    from bot.http.server import HttpServer

log = logging.getLogger("dutybot.phone")

MIN_TOKEN = 16  # characters: the token is the only thing between the internet and an ack


class PhoneCallbacks:
    """One platform's push route (``sms`` replies or ``voice`` key presses).

    Args:
        platform: ``sms`` or ``voice``.
        config: The platform's section (provider, path, window, body cap).
        http: The project's HTTP server.
        token: The secret last part of the URL.
        clock: Where "now" comes from when judging a push's time.
    """

    def __init__(
        self,
        platform: str,
        config: PhonePlatformConfig,
        http: HttpServer,
        token: str,
        clock: Clock,
    ) -> None:
        if len(token) < MIN_TOKEN or not token.isascii() or not token.isalnum():
            raise ValueError(f"回调令牌须为至少 {MIN_TOKEN} 位的字母或数字")
        self.platform = platform
        self.provider = config.provider
        self.path = config.callback_path.rstrip("/")
        self.http = http
        self.token = token
        self.clock = clock
        self.window = config.callback_window_seconds
        self.guard = CallbackGuard(
            f"{platform}-{config.provider}",
            clock,
            window_seconds=config.callback_window_seconds,
            max_bytes=config.max_body_kb * 1024,
        )
        self.inbound: PhoneInbound | None = None

    def start(self, inbound: PhoneInbound) -> None:
        """Register the route; events go to ``inbound``."""
        self.inbound = inbound
        self.http.add_route("POST", self.path + "/{token}", self._receive)

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.match_info.get("token", "")
        try:
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                raise Refused(403, "wrong token in the callback URL")
            raw = await self.guard.read(request)
            try:
                body = loads(raw, 8, strict=True)
            except ValueError:
                raise Refused(400, "not UTF-8 JSON") from None
            await self._handle(body)
        except Refused as refused:
            return self.guard.answer(request, refused)
        return web.json_response(ANSWERS[self.provider], dumps=_dumps)

    async def _handle(self, body: object) -> None:
        """Hand each fresh item to the core; stale ones are dropped and logged."""
        assert self.inbound is not None  # started before the server listens
        now = self.clock.now()
        try:
            found = list(events(self.provider, self.platform, body, now))
        except ValueError as exc:
            raise Refused(400, str(exc)) from None
        for event in found:
            offset = (event.at - now).total_seconds()
            if abs(offset) > self.window:
                log.warning(
                    "%s push item dropped: stale, %+.0f s from now (±%s)",
                    self.platform,
                    offset,
                    self.window,
                )
                continue
            try:
                await self.inbound.receive(event)
            except Exception:  # the database: fail, so the provider pushes again
                log.exception("%s push could not be stored", self.platform)
                raise Refused(503, "not stored; the provider will push again") from None


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)

"""The gate of every signed platform callback: size cap, fresh timestamp, each signature once.

A refused request is answered with its status and logged at warning level with the reason and
the sender's address, never the body; nothing is stored and nothing is sent. Statuses: 413 for a
body over the cap, 403 for a missing, wrong, stale or already accepted signature, 400 for a
signed body that cannot be read, 503 when the message could not be stored (the platform retries).
"""

from __future__ import annotations

import hashlib
import logging
from http import HTTPStatus

from aiohttp import web

from bot.adapters.common.intake import Intake
from bot.core.clock import Clock
from bot.core.errors import ReplayedRequest
from bot.core.messages import IncomingMessage

log = logging.getLogger("dutybot.callbacks")

CHUNK = 64 * 1024
STAMP_DIGITS = 16  # milliseconds until the year 2286; anything longer is not a timestamp


class Refused(Exception):
    """A callback refused: ``status`` is answered, ``reason`` logged (never the body)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class CallbackGuard:
    """The checks on one platform's callback route.

    Args:
        platform: Names the platform in log lines and in the sightings table.
        clock: Where "now" comes from when judging a timestamp.
        window_seconds: How far a signed timestamp may be from now, either way.
        max_bytes: The longest body read; a longer one is refused before it is read in full.
    """

    def __init__(
        self, platform: str, clock: Clock, *, window_seconds: float, max_bytes: int
    ) -> None:
        self.platform = platform
        self.clock = clock
        self.window = window_seconds
        self.max_bytes = max_bytes

    async def read(self, request: web.Request) -> bytes:
        """The body; 413 when its Content-Length, or what arrived so far, passes the cap."""
        declared = request.content_length
        if declared is not None and declared > self.max_bytes:
            raise Refused(413, f"body of {declared} bytes, more than {self.max_bytes}")
        body = bytearray()
        async for chunk in request.content.iter_chunked(CHUNK):
            body += chunk
            if len(body) > self.max_bytes:  # chunked, or longer than declared
                raise Refused(413, f"body passed {self.max_bytes} bytes while being read")
        return bytes(body)

    def fresh(self, stamp: str, *, per_second: int = 1) -> None:
        """403 unless ``stamp`` (whole seconds, or 1/``per_second`` s) is within the window."""
        if not (stamp.isascii() and stamp.isdigit()) or len(stamp) > STAMP_DIGITS:
            raise Refused(403, "unsigned: timestamp missing or not a number")
        offset = int(stamp) / per_second - self.clock.now().timestamp()
        if abs(offset) > self.window:
            raise Refused(403, f"stale: timestamp {offset:+.0f} s from now (±{self.window:.0f})")

    def sighting(self, stamp: str, genuine: bool, *signed: str, per_second: int = 1) -> str:
        """The sighting key (64 hex characters) of a callback signed over ``signed``, the
        timestamp ``stamp`` among them.

        Raises:
            Refused: 403 when a signed part is missing, the stamp is outside the window, or the
                signature is not ``genuine``.
        """
        if not all(signed):
            raise Refused(403, "unsigned: signature, timestamp or nonce missing")
        self.fresh(stamp, per_second=per_second)
        if not genuine:
            raise Refused(403, "forged: the signature does not match (or our secret is wrong)")
        return hashlib.sha256("\n".join(signed).encode("utf-8")).hexdigest()

    async def admit(self, intake: Intake, msg: IncomingMessage | None, signature: str) -> None:
        """Store ``msg`` with its signature, or record the signature alone when the callback
        carries no message.

        Raises:
            Refused: 403 when the signature was accepted before, 503 when nothing could be stored.
        """
        try:
            if msg is not None:
                await intake.accept(msg, signature)
            elif not await intake.sighted(self.platform, signature):
                raise ReplayedRequest(signature)
        except ReplayedRequest:
            raise Refused(403, "replayed: this signature was accepted before") from None
        except Exception:  # the database: fail, so the platform sends it again
            log.exception("%s callback could not be stored", self.platform)
            raise Refused(503, "not stored; the platform will retry") from None

    def answer(self, request: web.Request, refused: Refused) -> web.Response:
        """Log ``refused`` and answer it with its status."""
        log.warning(
            "%s callback from %s refused (HTTP %s): %s",
            self.platform,
            request.remote,
            refused.status,
            refused.reason,
        )
        phrase = HTTPStatus(refused.status).phrase
        return web.json_response({"error": phrase}, status=refused.status)

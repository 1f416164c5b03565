"""DingTalk HMAC-SHA256 signatures: custom-robot webhook signing and robot callback checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote_plus

WINDOW_S = 3600  # DingTalk rejects (and so do we) timestamps more than an hour off


def _sign(secret: str, timestamp_ms: int | str) -> str:
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def sign_webhook(secret: str, timestamp_ms: int) -> str:
    """The ``sign`` query value for a custom robot (加签): base64 HMAC, then URL-encoded.

    ``secret`` is the whole string shown on the robot's security page, ``SEC`` prefix included.
    """
    return quote_plus(_sign(secret, timestamp_ms))


def callback_signed(app_secret: str, timestamp_ms: str, sign: str) -> bool:
    """True when ``sign`` is the ``sign`` header of a robot callback stamped ``timestamp_ms``.

    It covers the timestamp only, not the body: the adapter accepts each one once and within
    ``WINDOW_S`` (docs/platforms.md §DingTalk callbacks).
    """
    return hmac.compare_digest(_sign(app_secret, timestamp_ms).encode(), sign.encode())

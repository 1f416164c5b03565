"""DingTalk HMAC-SHA256 signatures: custom-robot webhook signing and robot callback checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote_plus

WINDOW_MS = 60 * 60 * 1000  # DingTalk rejects (and so do we) timestamps more than 1 hour off


def _sign(secret: str, timestamp_ms: int | str) -> str:
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def sign_webhook(secret: str, timestamp_ms: int) -> str:
    """The ``sign`` query value for a custom robot (加签): base64 HMAC, then URL-encoded.

    ``secret`` is the whole string shown on the robot's security page, ``SEC`` prefix included.
    """
    return quote_plus(_sign(secret, timestamp_ms))


def verify_callback(app_secret: str, timestamp_ms: int | str, sign: str, now_ms: int) -> bool:
    """True when the ``timestamp``/``sign`` headers of a robot callback are genuine and recent."""
    try:
        stamp = int(timestamp_ms)
    except (TypeError, ValueError):
        return False
    if abs(now_ms - stamp) > WINDOW_MS:
        return False
    return hmac.compare_digest(_sign(app_secret, str(timestamp_ms)), sign)

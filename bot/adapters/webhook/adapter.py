"""The outbox's ``webhook`` platform: signed JSON POSTs to an outside system (the 12345 platform).

A row's text is the JSON document to post. Each attempt is signed afresh (HMAC-SHA256 over
``<timestamp>.<body>``) and carries the document's ``id`` as ``Idempotency-Key``, so a retry
after a timeout cannot be applied twice by a receiver that honours the key. Failures map onto
the sender's rules: 5xx, 408/425/429, timeouts and connection errors are retried with backoff;
any other answer outside 2xx is permanent, and the sender reports it to the administrators.

Before each POST the URL is checked again and every address its host resolves to must be public
(bot/adapters/webhook/resolve.py) unless the target allows private ones. Errors, and so the
administrators' alerts, carry the receiver's HTTP status only, never its answer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp
from aiohttp.abc import AbstractResolver

from bot.adapters.webhook.resolve import InternalAddress, PublicOnlyResolver
from bot.config import ConfigError, WebhookTarget
from bot.config.addresses import check_url
from bot.core.clock import Clock, SystemClock
from bot.core.errors import DeliveryError
from bot.core.messages import Reply

if TYPE_CHECKING:
    from bot.core.dispatcher import Dispatcher

log = logging.getLogger("dutybot.webhook")

PLATFORM = "webhook"
SECRET_VAR = "DUTYBOT_TICKETS_WEBHOOK_SECRET"
SIGNATURE_HEADER = "X-DutyBot-Signature"
TIMESTAMP_HEADER = "X-DutyBot-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
TRANSIENT = frozenset({408, 425, 429})  # "try later" answers below 500


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 with ``secret`` over ``<timestamp>.<body>``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One receiving URL and its signing key."""

    url: str
    secret: str
    timeout: float
    allow_private: bool = False
    allow_http: bool = False


class WebhookAdapter:
    """Delivers ``webhook:<name>`` rows; receives nothing."""

    platform = PLATFORM

    def __init__(
        self,
        endpoints: dict[str, Endpoint],
        clock: Clock,
        resolver: AbstractResolver | None = None,
    ) -> None:
        self.endpoints = endpoints
        self.clock = clock
        self.resolver = resolver  # asked by PublicOnlyResolver; aiohttp's default when None
        # One pool per kind of target: only private ones may resolve to internal addresses.
        self._sessions: dict[bool, aiohttp.ClientSession] = {}

    def is_group(self, address: str) -> bool:
        """No group limits apply to a webhook."""
        return False

    async def start(self, dispatcher: Dispatcher) -> None:
        """Nothing to receive."""

    async def stop(self) -> None:
        """Release the connection pool."""
        for session in self._sessions.values():
            await session.close()
        self._sessions.clear()

    def _session(self, allow_private: bool) -> aiohttp.ClientSession:
        if allow_private not in self._sessions:
            resolver = self.resolver if allow_private else PublicOnlyResolver(self.resolver)
            connector = aiohttp.TCPConnector(resolver=resolver)
            self._sessions[allow_private] = aiohttp.ClientSession(connector=connector)
        return self._sessions[allow_private]

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        """POST the row's JSON document; returns ``HTTP <status>`` as the delivery's id."""
        endpoint = self.endpoints.get(address)
        if endpoint is None:
            raise DeliveryError(
                f"webhook「{address}」未配置（tickets.webhook.url），无法发送", permanent=True
            )
        try:
            check_url(
                endpoint.url, allow_private=endpoint.allow_private, allow_http=endpoint.allow_http
            )
        except ValueError as exc:
            raise DeliveryError(f"webhook 地址不允许：{exc}", permanent=True) from None
        body = reply.text.encode("utf-8")
        key = _event_id(reply.text)
        stamp = str(int(self.clock.now().timestamp()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            IDEMPOTENCY_HEADER: key,
            TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: signature(endpoint.secret, stamp, body),
        }
        timeout = aiohttp.ClientTimeout(total=endpoint.timeout)
        try:
            # A redirect would turn the POST into a GET elsewhere: refuse it as a wrong address.
            async with self._session(endpoint.allow_private).post(
                endpoint.url, data=body, headers=headers, timeout=timeout, allow_redirects=False
            ) as resp:
                status = resp.status
                answer = (await resp.content.read(200)).decode("utf-8", "replace")
                retry = resp.headers.get("Retry-After", "")
        except TimeoutError:
            raise DeliveryError("webhook 接口超时，稍后重试", uncertain=True) from None
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, InternalAddress):
                raise DeliveryError(
                    f"webhook 地址不允许：{exc.os_error}（内网接收方须设置 "
                    "tickets.webhook.allow_private_targets: true）",
                    permanent=True,
                ) from None
            raise DeliveryError(f"webhook 接口连接失败：{type(exc).__name__}") from None
        except aiohttp.ClientError as exc:
            raise DeliveryError(f"webhook 接口连接失败：{type(exc).__name__}") from None
        if 200 <= status < 300:
            return f"HTTP {status}"
        # The answer is the receiver's text: kept for the operator's log, never put in an alert.
        log.warning("webhook %s answered HTTP %s: %r", address, status, answer)
        if status >= 500 or status in TRANSIENT:
            wait = float(retry) if retry.isdigit() else None
            raise DeliveryError(f"webhook 暂时不可用 HTTP {status}", retry_after=wait)
        raise DeliveryError(
            f"webhook 拒收 HTTP {status}（核对 tickets.webhook.url 与签名密钥）", permanent=True
        )


def _event_id(text: str) -> str:
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict) or not document.get("id"):
        raise DeliveryError("webhook 行的内容不是带 id 的 JSON 对象", permanent=True)
    return str(document["id"])


def create_webhook(
    target: WebhookTarget,
    address: str,
    clock: Clock | None = None,
    env: dict[str, str] | None = None,
) -> WebhookAdapter | None:
    """The adapter when the target's URL (``tickets.webhook.url``) is set, else None.

    Args:
        target: ``tickets.webhook``: where to post and how long to wait.
        address: The outbox address the tickets feature queues its events to.
        clock: Time for the signatures.
        env: Where the signing key is read (the process environment by default).

    Raises:
        ConfigError: the URL is set but its signing key is not.
    """
    if target.url is None:
        return None
    env = dict(os.environ) if env is None else env
    secret = env.get(SECRET_VAR, "").strip()
    if not secret:
        raise ConfigError(
            f"tickets.webhook.url 已配置，但缺少环境变量 {SECRET_VAR}（签名密钥）。"
            f"请 export {SECRET_VAR}=$(openssl rand -hex 32) 并告知 12345 平台"
        )
    endpoint = Endpoint(
        target.url,
        secret,
        target.timeout_seconds,
        allow_private=target.allow_private_targets,
        allow_http=target.allow_plain_http,
    )
    return WebhookAdapter({address: endpoint}, clock or SystemClock())

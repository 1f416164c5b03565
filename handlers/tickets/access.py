"""Who may use the ticket API: each client's key, the lockout of failed keys per address, and
which tickets and operations each client may use (``tickets.api_clients``)."""

from __future__ import annotations

import hmac
import logging
import os
from datetime import timedelta

from aiohttp import web

from bot.config import Config, ConfigError
from bot.core.clock import Clock
from bot.http.lockout import Lockout
from models.tickets.records import Ticket
from models.tickets.settings import OPERATION_NAMES, TICKETS, ApiClient, Operation

log = logging.getLogger("dutybot.api")


class Denied(Exception):
    """A request refused before anything is changed: its status, message, audit outcome."""

    def __init__(
        self, status: int, message: str, outcome: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.outcome = status, message, outcome
        self.headers = headers or {}


def api_keys(config: Config, env: dict[str, str] | None = None) -> dict[str, str]:
    """Client name → key. A configured client without its variable is a ConfigError."""
    env = dict(os.environ) if env is None else env
    keys = {}
    for name, client in TICKETS.of(config).api_clients.items():
        var = f"DUTYBOT_API_KEY_{client.key}"
        value = env.get(var, "").strip()
        if not value:
            raise ConfigError(
                f"tickets.api_clients.{name}：缺少环境变量 {var}（该客户端的 API 密钥）"
            )
        keys[name] = value
    return keys


class Access:
    """The keys and rules of one App's API clients.

    Args:
        config: ``tickets.api_clients`` (a client not named there gets the defaults: its own
            tickets, every operation) and ``tickets.api_lockout``.
        clock: Times the failed keys.
        keys: Client name → key (:func:`api_keys`).
    """

    def __init__(self, config: Config, clock: Clock, keys: dict[str, str]) -> None:
        tickets = TICKETS.of(config)
        self.keys = keys
        self.clients = tickets.api_clients
        limit = tickets.api_lockout
        self.lockout = Lockout(clock, limit.failures, timedelta(seconds=limit.window_seconds))

    def client(self, request: web.Request) -> str:
        """The client whose key the request carries.

        Raises:
            Denied: 429 while the address is locked out, 401 for a missing or wrong key (one
                more failure for the address).
        """
        address = request.remote or "?"
        wait = self.lockout.retry_after(address)
        if wait is not None:
            first = self.lockout.first_refusal(address)
            if first:
                log.warning("ticket API: %s locked out for %d s after failed keys", address, wait)
            raise Denied(
                429,
                f"密钥错误次数过多，请 {wait} 秒后再试（too many failed keys; retry in {wait} s）",
                "throttled" if first else "",
                {"Retry-After": str(wait)},
            )
        given = request.headers.get("X-API-Key", "")
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        for name, key in self.keys.items():
            if given and hmac.compare_digest(given.encode(), key.encode()):
                return name
        failures = self.lockout.failed(address)
        log.warning("ticket API: wrong or missing key from %s (%d in window)", address, failures)
        raise Denied(
            401,
            "未授权：请在 Authorization: Bearer <密钥> 中提供有效的 API 密钥（unauthorized）",
            "unauthorized",
        )

    def rules(self, client: str) -> ApiClient:
        """What ``client`` may do."""
        return self.clients.get(client) or ApiClient(key="UNSET")

    def check(self, client: str, ticket: Ticket | None, *operations: Operation) -> None:
        """Refuse unless ``client`` may do ``operations`` on ``ticket`` (None: a new one).

        Raises:
            Denied: 403 naming what is not allowed.
        """
        rules = self.rules(client)
        refused = [op for op in operations if op not in rules.operations]
        if refused:
            raise Denied(
                403,
                f"禁止：客户端「{client}」未获准"
                f"{'、'.join(OPERATION_NAMES[op] for op in refused)}工单"
                f"（not allowed: {', '.join(refused)}）",
                "forbidden",
            )
        if ticket is not None and rules.scope == "own" and ticket.client != client:
            raise Denied(
                403,
                f"禁止：工单「{ticket.number}」不是客户端「{client}」提交的，只能读写本客户端"
                "提交的工单（forbidden: ticket created by another client）",
                "forbidden",
            )

"""Trust at the edges of the ticket API: each client's tickets and operations, the lockout of
failed keys, the media type and the nesting of bodies."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.clock import FakeClock
from bot.http.server import HttpServer
from bot.store.audit import AuditLog
from handlers.tickets.api import TicketsApi, api_keys
from models.tickets.records import Ticket
from models.tickets.settings import TICKETS
from tests.conftest import demo_app, make_config
from tests.handlers.tickets.test_tickets_api import NUMBER, TICKET
from tests.support import RecordingAdapter

KEYS = {"hotline": "hotline-key", "other": "other-key", "platform": "platform-key"}
CLIENTS = {
    "hotline": "HOTLINE",
    "other": {"key": "OTHER", "operations": ["read", "create", "update"]},
    "platform": {"key": "PLATFORM", "scope": "all"},
}
Api = tuple[str, App]


@pytest.fixture
async def served(db_url: str, clock: FakeClock, console: RecordingAdapter) -> AsyncIterator[Api]:
    tickets = {"api_clients": CLIENTS, "api_lockout": {"failures": 3, "window_seconds": 60}}
    config = make_config(db_url, tickets=tickets)
    async with demo_app(config, clock, {"console": console}) as bot:
        http = HttpServer(port=0)
        TicketsApi(bot.sessions, bot.config, bot.clock, KEYS).register(http)
        await http.start()
        yield http.url, bot
        await http.stop()


def _as(client: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[client]}"}


async def _call(
    base: str, method: str, path: str, headers: dict[str, str], **kw: Any
) -> tuple[int, dict[str, Any], dict[str, str]]:
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, base + path, headers=headers, **kw) as resp,
    ):
        return resp.status, await resp.json(), dict(resp.headers)


async def _ticket(app: App) -> Ticket | None:
    async with app.sessions() as session:
        return await session.scalar(select(Ticket).where(Ticket.number == NUMBER))


async def _audit(app: App) -> list[AuditLog]:
    async with app.sessions() as session:
        query = select(AuditLog).where(AuditLog.kind == "api").order_by(AuditLog.id)
        return list(await session.scalars(query))


def test_short_and_long_forms_of_a_client(sqlite_url: str) -> None:
    clients = TICKETS.of(make_config(sqlite_url, tickets={"api_clients": CLIENTS})).api_clients
    assert clients["hotline"].key == "HOTLINE" and clients["hotline"].scope == "own"
    assert clients["hotline"].operations == {"read", "create", "update", "visit", "close"}
    assert clients["other"].operations == {"read", "create", "update"}
    assert clients["platform"].scope == "all"
    env = {"DUTYBOT_API_KEY_HOTLINE": "a", "DUTYBOT_API_KEY_OTHER": "b"}
    env["DUTYBOT_API_KEY_PLATFORM"] = "c"
    keys = api_keys(make_config(sqlite_url, tickets={"api_clients": CLIENTS}), env)
    assert keys == {"hotline": "a", "other": "b", "platform": "c"}


async def test_a_client_cannot_touch_another_clients_ticket(served: Api) -> None:
    """The reported case: a second client's PATCH changed the lead unit and caller phone of
    the platform's ticket, and its POST replaced the content."""
    base, app = served
    status, _, _ = await _call(base, "POST", "/api/v1/tickets", _as("hotline"), json=TICKET)
    assert status == 201
    before = await _ticket(app)
    assert before is not None and before.client == "hotline"
    patch = {"lead_unit": "县水利局", "caller_phone": "13000000000"}
    path = f"/api/v1/tickets/{NUMBER}"
    status, body, _ = await _call(base, "PATCH", path, _as("other"), json=patch)
    assert status == 403 and "不是客户端「other」提交的" in body["error"]
    rewrite = {**TICKET, "content": "另一客户端改写的内容"}
    status, _, _ = await _call(base, "POST", "/api/v1/tickets", _as("other"), json=rewrite)
    assert status == 403
    status, _, _ = await _call(base, "GET", path, _as("other"))
    assert status == 403
    after = await _ticket(app)
    assert after is not None
    assert (after.content, after.caller_phone, after.unit) == (
        before.content,
        before.caller_phone,
        before.unit,
    )
    assert len(after.events) == len(before.events)
    refused = [(r.command, r.outcome, r.actor) for r in await _audit(app)][1:]
    assert refused == [
        ("PATCH /api/v1/tickets/{number}", "forbidden", "other"),
        ("POST /api/v1/tickets", "forbidden", "other"),
        ("GET /api/v1/tickets/{number}", "forbidden", "other"),
    ]
    # scope: all reaches every ticket; the owner keeps its own.
    status, body, _ = await _call(base, "PATCH", path, _as("platform"), json=patch)
    assert status == 200 and body["lead_unit"] == "县水利局"
    status, body, _ = await _call(base, "GET", path, _as("hotline"))
    assert status == 200 and body["caller_phone"] == "13000000000"


async def test_operations_not_granted_are_refused(served: Api) -> None:
    base, app = served
    path = f"/api/v1/tickets/{NUMBER}"
    status, _, _ = await _call(base, "POST", "/api/v1/tickets", _as("other"), json=TICKET)
    assert status == 201
    status, body, _ = await _call(
        base, "PATCH", path, _as("other"), json={"category": "投诉", "close": True}
    )
    assert status == 403 and "未获准办结工单" in body["error"] and "close" in body["error"]
    ticket = await _ticket(app)
    assert ticket is not None and ticket.category == "求助"  # the allowed part was not applied


async def test_failed_keys_lock_the_address_out(
    served: Api, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    base, app = served
    caplog.set_level(logging.WARNING, "dutybot.api")
    path = f"/api/v1/tickets/{NUMBER}"
    for guess in ("a", "b", "c"):
        status, body, _ = await _call(base, "GET", path, {"X-API-Key": guess})
        assert status == 401 and "未授权" in body["error"]
    for client in ("a", "hotline-key"):  # the right key is refused too while locked out
        status, body, headers = await _call(base, "GET", path, {"X-API-Key": client})
        assert status == 429 and headers["Retry-After"] == "60" and "60 秒" in body["error"]
    clock.advance(seconds=30)
    status, _, headers = await _call(base, "GET", path, _as("hotline"))
    assert status == 429 and headers["Retry-After"] == "30"
    rows = [(r.outcome, r.detail["status"], r.detail["address"]) for r in await _audit(app)]
    assert rows == [("unauthorized", 401, "127.0.0.1")] * 3 + [("throttled", 429, "127.0.0.1")]
    lines = [r.getMessage() for r in caplog.records]
    assert sum("wrong or missing key from 127.0.0.1" in line for line in lines) == 3
    assert sum("locked out" in line for line in lines) == 1
    clock.advance(seconds=31)
    status, _, _ = await _call(base, "GET", path, _as("hotline"))
    assert status == 404  # let in again: no such ticket yet


async def test_bodies_must_be_json_objects_of_little_depth(
    served: Api, caplog: pytest.LogCaptureFixture
) -> None:
    base, app = served
    caplog.set_level(logging.DEBUG)
    headers = {**_as("hotline"), "Content-Type": "application/json"}
    for depth in (33, 100_000):
        nested = "[" * depth + "]" * depth
        body = json.dumps({**TICKET, "co_units": "X"}).replace('"X"', nested)
        status, answer, _ = await _call(base, "POST", "/api/v1/tickets", headers, data=body)
        assert status == 400 and "嵌套超过 32 层" in answer["error"]
    plain = {**_as("hotline"), "Content-Type": "text/plain"}
    status, answer, _ = await _call(
        base, "POST", "/api/v1/tickets", plain, data=json.dumps(TICKET)
    )
    assert status == 415 and "application/json" in answer["error"]
    for raw in (b"\xff\xfe", b"NaN", b"[1]", b"{"):
        status, _, _ = await _call(base, "POST", "/api/v1/tickets", headers, data=raw)
        assert status == 400, raw
    assert await _ticket(app) is None
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]

"""The 12345 ticket API over a real aiohttp client against the HttpServer on port 0."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.config import ConfigError
from bot.http.server import HttpServer
from bot.store.audit import AuditLog
from handlers.tickets.api import TicketsApi, api_keys
from models.tickets.records import Ticket
from tests.conftest import make_config
from tests.secrecy_support import labelled, marked_cells, stored_texts
from tests.support import RecordingAdapter

KEY = "s3cret-hotline-key"
NUMBER = "12345-20261126-000123"
TICKET = {
    "number": NUMBER,
    "category": "求助",
    "caller_name": "王小明",
    "caller_phone": "13912345678",
    "content": "城关镇人民路井盖缺失，夜间有安全隐患",
    "address": "城关镇人民路 18 号",
    "received_at": "2026-11-26T08:30:00",
    "lead_unit": "城关镇",
}


@pytest.fixture
async def api(app: App) -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    http = HttpServer(port=0)
    TicketsApi(app.sessions, app.config, app.clock, {"hotline": KEY}).register(http)
    await http.start()
    headers = {"Authorization": f"Bearer {KEY}"}
    async with aiohttp.ClientSession(headers=headers) as client:
        yield http.url, client
    await http.stop()


async def _count(app: App) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Ticket)) or 0)


async def test_post_is_idempotent_and_dispatches(
    app: App, api: tuple[str, aiohttp.ClientSession], console: RecordingAdapter
) -> None:
    base, client = api
    async with client.post(f"{base}/api/v1/tickets", json=TICKET) as resp:
        assert resp.status == 201
        body: dict[str, Any] = await resp.json()
    assert body["status"] == "待签收" and body["lead_unit"] == "城关镇"
    assert body["due_at"] == "2026-12-11T00:00:00+08:00"  # 求助: 10 working days
    await app.sender.drain()
    assert "新派 12345" in console.texts("吴磊")[-1]
    async with client.post(f"{base}/api/v1/tickets", json=TICKET) as resp:
        assert resp.status == 200
        again = await resp.json()
    assert again["history"] == body["history"]  # nothing new recorded
    assert await _count(app) == 1
    async with app.sessions() as session:
        audited = await session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.kind == "api")
        )
    assert audited == 2


async def test_schema_errors_name_the_field(
    app: App, api: tuple[str, aiohttp.ClientSession]
) -> None:
    base, client = api
    bad = {**TICKET, "category": "表扬", "content": ""}
    async with client.post(f"{base}/api/v1/tickets", json=bad) as resp:
        assert resp.status == 422
        body = await resp.json()
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"category", "content"}
    assert "诉求内容" in body["error"]
    async with client.post(
        f"{base}/api/v1/tickets", json={**TICKET, "lead_unit": "火星局"}
    ) as resp:
        assert resp.status == 422
        assert "没有单位「火星局」" in (await resp.json())["error"]
    assert await _count(app) == 0


async def test_marked_requests_are_refused_and_nothing_of_them_is_kept(
    app: App, api: tuple[str, aiohttp.ClientSession]
) -> None:
    """Every marked line of the labelled set, as 诉求内容, and markings in other fields, the
    path, or a key: refused before anything is stored; the audit keeps the route and form."""
    base, client = api
    marked = [line.text for line in labelled() if line.marked]
    bodies = [{**TICKET, "content": text} for text in marked]
    bodies += [
        {**TICKET, "caller_name": "机密★1年"},
        {**TICKET, "co_units": ["城关镇", "【機密】"]},
        {**TICKET, "机\u200b密★": "x"},
    ]
    for body in bodies:
        async with client.post(f"{base}/api/v1/tickets", json=body) as resp:
            assert resp.status == 422, body
            answer = await resp.json()
        assert "机要渠道" in answer["error"]
    assert answer["errors"][0]["field"] == "机\u200b密★"
    async with client.patch(f"{base}/api/v1/tickets/机密★1年", json={}) as resp:
        assert resp.status == 422
    assert await _count(app) == 0
    async with app.sessions() as session:
        rows = list(await session.scalars(select(AuditLog).where(AuditLog.kind == "api")))
    assert len(rows) == len(bodies) + 1
    assert {r.command for r in rows} == {
        "POST /api/v1/tickets",
        "PATCH /api/v1/tickets/{number}",
    }
    assert all(r.outcome == "classified" and set(r.detail) == {"status", "form"} for r in rows)
    assert marked_cells(await stored_texts(app)) == []


async def test_auth_patch_get_and_openapi(
    app: App, api: tuple[str, aiohttp.ClientSession], console: RecordingAdapter
) -> None:
    base, client = api
    async with aiohttp.ClientSession() as anon:
        async with anon.post(f"{base}/api/v1/tickets", json=TICKET) as resp:
            assert resp.status == 401
        async with anon.get(
            f"{base}/api/v1/tickets/{NUMBER}", headers={"X-API-Key": "wrong"}
        ) as resp:
            assert resp.status == 401
    async with client.post(f"{base}/api/v1/tickets", json=TICKET):
        pass
    async with client.patch(f"{base}/api/v1/tickets/{NUMBER}", json={"category": "投诉"}) as resp:
        assert resp.status == 200
        assert (await resp.json())["due_at"] == "2026-12-18T00:00:00+08:00"  # 15 working days
    async with client.patch(
        f"{base}/api/v1/tickets/{NUMBER}", json={"visit_result": "很好"}
    ) as resp:
        assert resp.status == 422
        assert (await resp.json())["errors"][0]["field"] == "visit_result"
    async with client.patch(f"{base}/api/v1/tickets/{NUMBER}", json={"close": True}) as resp:
        assert resp.status == 422  # not replied yet
    async with client.get(f"{base}/api/v1/tickets/000") as resp:
        assert resp.status == 404
    async with client.get(f"{base}/api/v1/tickets/{NUMBER}") as resp:
        history = [h["action"] for h in (await resp.json())["history"]]
    assert history == ["受理", "派单", "更新"]
    async with client.get(f"{base}/api/v1/openapi.json") as resp:
        spec = await resp.json()
    assert set(spec["paths"]) == {"/api/v1/tickets", "/api/v1/tickets/{number}"}
    assert "number" in spec["components"]["schemas"]["TicketIn"]["properties"]


async def test_visit_unsatisfied_goes_back_to_the_unit(
    app: App, api: tuple[str, aiohttp.ClientSession], console: RecordingAdapter
) -> None:
    from tests.handlers.tickets.test_tickets import say

    base, client = api
    async with client.post(f"{base}/api/v1/tickets", json=TICKET):
        pass
    await say(app, console, "吴磊", f"工单 签收 {NUMBER}")
    await say(app, console, "吴磊", f"工单 回复 {NUMBER} 已补装井盖")
    async with client.patch(
        f"{base}/api/v1/tickets/{NUMBER}", json={"visit_result": "不满意", "resolved": False}
    ) as resp:
        assert (await resp.json())["status"] == "办理中"
    await app.sender.drain()
    assert "回访不满意" in console.texts("吴磊")[-1]
    await say(app, console, "吴磊", f"工单 回复 {NUMBER} 已重新加固")
    async with client.patch(
        f"{base}/api/v1/tickets/{NUMBER}",
        json={"visit_result": "满意", "resolved": True, "close": True},
    ) as resp:
        body = await resp.json()
    assert body["status"] == "已办结" and body["visit_result"] == "满意"


async def test_the_app_serves_the_api_when_http_is_enabled(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_config(
        sqlite_url, http={"enabled": True}, tickets={"api_clients": {"hotline": "HOTLINE"}}
    )
    with pytest.raises(ConfigError, match="DUTYBOT_API_KEY_HOTLINE"):
        api_keys(config, env={})
    monkeypatch.setenv("DUTYBOT_API_KEY_HOTLINE", KEY)
    app = await App.create(config, adapters={}, http=HttpServer(port=0))
    try:
        paths = {r.resource.canonical for r in app.http.app.router.routes() if r.resource}
        assert "/api/v1/tickets/{number}" in paths
    finally:
        await app.engine.dispose()


async def test_returned_ticket_reassigned_by_the_platform(
    app: App, api: tuple[str, aiohttp.ClientSession], console: RecordingAdapter
) -> None:
    from tests.handlers.tickets.test_tickets import say

    base, client = api
    async with client.post(f"{base}/api/v1/tickets", json=TICKET):
        pass
    await say(app, console, "吴磊", f"工单 退单 {NUMBER} 属县水利局职责")
    async with client.patch(
        f"{base}/api/v1/tickets/{NUMBER}", json={"lead_unit": "县水利局"}
    ) as resp:
        body = await resp.json()
    assert body["status"] == "待签收" and body["lead_unit"] == "县水利局"
    assert [h["action"] for h in body["history"]][-2:] == ["改派", "更新"]
    assert "已签收" in await say(app, console, "孙伟", f"工单 签收 {NUMBER}")
    await say(app, console, "孙伟", f"工单 回复 {NUMBER} 已补装")
    async with client.patch(
        f"{base}/api/v1/tickets/{NUMBER}", json={"visit_result": "基本满意", "resolved": True}
    ):
        pass
    stats = await say(app, console, "陈静", "工单 统计")
    assert "【县水利局】1 张｜按时签收 100.0%（1/1）｜按时办结 100.0%（1/1）" in stats
    assert "满意 100.0%（1/1）｜解决 100.0%（1/1）" in stats

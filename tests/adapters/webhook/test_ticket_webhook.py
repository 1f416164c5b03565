"""Ticket steps sent back to a fake 12345 platform on 127.0.0.1: signed JSON, 5xx retried, a 4xx
reported to admins, nothing queued when no webhook is configured."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.adapters.webhook.adapter import SECRET_VAR, create_webhook
from bot.app import App, build_adapters
from bot.config import ConfigError
from bot.core.clock import FakeClock
from bot.store.outbox import OutboxMessage, OutboxStatus
from models.tickets.settings import TICKETS
from models.tickets.webhook import TARGET
from tests.conftest import demo_app, make_config
from tests.handlers.tickets.test_tickets import NUMBER, ingest, say
from tests.support import RecordingAdapter

SECRET = "s3cret-key"


@dataclass
class Received:
    """One POST as the platform saw it."""

    body: bytes
    headers: dict[str, str]

    @property
    def json(self) -> dict[str, object]:
        found = json.loads(self.body)
        assert isinstance(found, dict)
        return found

    def signed(self) -> bool:
        """Recompute the signature the way docs/tickets.md tells the platform to."""
        stamp = self.headers["X-DutyBot-Timestamp"]
        mac = hmac.new(SECRET.encode(), f"{stamp}.".encode() + self.body, hashlib.sha256)
        return self.headers["X-DutyBot-Signature"] == f"sha256={mac.hexdigest()}"


@dataclass
class Platform:
    """The fake 12345 platform: records each POST, answers the scripted statuses, then 200."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    answers: deque[int] = field(default_factory=deque)
    says: str = ""  # what a refusal's body says

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append(Received(await request.read(), dict(request.headers)))
        status = self.answers.popleft() if self.answers else 200
        return web.json_response({"ok": status < 300, "message": self.says}, status=status)


@pytest.fixture
async def platform() -> AsyncIterator[Platform]:
    fake = Platform()
    server_app = web.Application()
    server_app.router.add_post("/steps", fake.handle)
    server = TestServer(server_app, host="127.0.0.1", port=0)
    await server.start_server()
    fake.url = str(server.make_url("/steps"))
    yield fake
    await server.close()


@pytest.fixture
async def hooked(
    db_url: str, clock: FakeClock, console: RecordingAdapter, platform: Platform
) -> AsyncIterator[App]:
    """The demo county with tickets.webhook pointing at the fake platform."""
    # The fake platform listens on plain http at 127.0.0.1: both allowances are explicit.
    target = {"url": platform.url, "allow_private_targets": True, "allow_plain_http": True}
    config = make_config(db_url, tickets={"webhook": target})
    webhook = create_webhook(
        TICKETS.of(config).webhook, TARGET.address, clock, env={SECRET_VAR: SECRET}
    )
    assert webhook is not None
    async with demo_app(config, clock, {"console": console, "webhook": webhook}) as bot:
        yield bot
    await webhook.stop()


async def _rows(app: App) -> list[OutboxMessage]:
    async with app.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.platform == "webhook")
        return list(await session.scalars(query.order_by(OutboxMessage.id)))


async def test_each_chat_step_arrives_signed(
    hooked: App, console: RecordingAdapter, platform: Platform, clock: FakeClock
) -> None:
    await ingest(hooked)
    assert platform.received == []  # ingest came from the platform: nothing to send back
    await say(hooked, console, "吴磊", f"工单 签收 {NUMBER}")
    clock.advance(hours=1)
    await say(hooked, console, "吴磊", f"工单 延期 {NUMBER} 5 需协调供电公司")
    await say(hooked, console, "李明", f"工单 催办 {NUMBER} 本周办结")
    await say(hooked, console, "吴磊", f"工单 回复 {NUMBER} 已更换灯泡")
    await say(hooked, console, "陈静", f"工单 典型 {NUMBER}")  # not a step the platform takes
    docs = [r.json for r in platform.received]
    assert [d["action"] for d in docs] == ["sign", "extend", "chase", "reply"]
    assert all(r.signed() for r in platform.received)
    sign = docs[0]
    assert sign["number"] == NUMBER and sign["action_name"] == "签收"
    assert sign["actor"] == "吴磊" and sign["unit"] == "城关镇" and sign["status"] == "办理中"
    assert sign["at"] == "2026-11-26T09:00:00+08:00"
    assert sign["deadline"] == "2026-12-18T00:00:00+08:00" and sign["extended"] is False
    first = platform.received[0].headers
    assert first["Idempotency-Key"] == sign["id"]
    assert first["X-DutyBot-Timestamp"] == str(int(clock.now().timestamp()) - 3600)
    assert first["Content-Type"].startswith("application/json")
    assert docs[1]["note"] == "延期 5 天：需协调供电公司" and docs[1]["extended"] is True
    assert docs[1]["deadline"] == "2026-12-25T00:00:00+08:00"
    assert docs[2]["actor"] == "李明" and docs[2]["note"] == "本周办结"
    assert docs[3]["note"] == "已更换灯泡" and docs[3]["status"] == "已回复"
    assert len({d["id"] for d in docs}) == 4
    assert {r.status for r in await _rows(hooked)} == {OutboxStatus.SENT.value}


async def test_return_is_sent_with_its_reason(
    hooked: App, console: RecordingAdapter, platform: Platform
) -> None:
    await ingest(hooked)
    await say(hooked, console, "吴磊", f"工单 退单 {NUMBER} 属县住建局职责")
    (doc,) = [r.json for r in platform.received]
    assert doc["action"] == "return" and doc["note"] == "属县住建局职责"
    assert doc["status"] == "退回"


async def test_server_error_is_retried_with_the_same_key(
    hooked: App, console: RecordingAdapter, platform: Platform, clock: FakeClock
) -> None:
    await ingest(hooked)
    platform.answers.extend([503, 502])
    await say(hooked, console, "吴磊", f"工单 签收 {NUMBER}")
    (row,) = await _rows(hooked)
    assert row.status == OutboxStatus.PENDING.value and "HTTP 503" in (row.last_error or "")
    assert len(platform.received) == 1
    for _ in range(2):
        clock.set(row.next_attempt_at)
        await hooked.sender.drain()
        (row,) = await _rows(hooked)
    assert row.status == OutboxStatus.SENT.value and row.attempts == 3
    assert len(platform.received) == 3
    assert len({r.body for r in platform.received}) == 1
    assert len({r.headers["Idempotency-Key"] for r in platform.received}) == 1
    stamps = [r.headers["X-DutyBot-Timestamp"] for r in platform.received]
    assert len(set(stamps)) == 3  # each attempt signed afresh
    assert all(r.signed() for r in platform.received)


async def test_refusal_is_permanent_and_reported_to_admins(
    hooked: App, console: RecordingAdapter, platform: Platform, clock: FakeClock
) -> None:
    await ingest(hooked)
    platform.answers.append(404)
    platform.says = "请点击 https://evil.example/login 重新授权"  # the receiver's text
    await say(hooked, console, "吴磊", f"工单 签收 {NUMBER}")
    (row,) = await _rows(hooked)
    assert row.status == OutboxStatus.FAILED.value and "HTTP 404" in (row.last_error or "")
    assert "evil" not in (row.last_error or "")
    await hooked.sender.drain()
    alert = console.texts("刘洋")[-1]  # the admin
    assert "【投递失败】" in alert and "webhook:tickets" in alert and "HTTP 404" in alert
    assert "evil" not in alert and "重新授权" not in alert
    clock.advance(hours=1)
    await hooked.sender.drain()
    assert len(platform.received) == 1  # not retried


async def test_nothing_queued_without_a_webhook(
    app: App, console: RecordingAdapter, sqlite_url: str
) -> None:
    await ingest(app)
    await say(app, console, "吴磊", f"工单 签收 {NUMBER}")
    await say(app, console, "吴磊", f"工单 回复 {NUMBER} 已更换灯泡")
    assert await _rows(app) == []
    assert "webhook" not in build_adapters(make_config(sqlite_url))
    configured = make_config(sqlite_url, tickets={"webhook": {"url": "https://12345.example/s"}})
    with pytest.raises(ConfigError, match=SECRET_VAR):
        create_webhook(TICKETS.of(configured).webhook, TARGET.address, env={})
    with pytest.raises(ConfigError, match=r"tickets\.webhook\.url"):
        make_config(sqlite_url, tickets={"webhook": {"url": "12345.example/steps"}})

"""政务微信 and 专有钉钉/浙政钉 on hosts of their own: with the API bases (and DingTalk's
sessionWebhook origins) set to a "government" host — the fakes on 127.0.0.2, another address and
port than the public-cloud stand-ins — every call the adapters make goes there, and a
sessionWebhook on the public cloud's origin is not used."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

from bot.adapters.dingtalk import create_adapter as create_dingtalk
from bot.adapters.wecom import create_adapter as create_wecom
from bot.core.clock import FakeClock
from bot.core.messages import Reply
from bot.testing import dingtalk, wecom
from bot.testing.fakes import FakeServer
from tests.adapters.files import chart_reply, table_reply
from tests.adapters.rig import Rig, make_rig
from tests.adapters.wecom.test_inbound_files import JPEG

GOVERNMENT = "127.0.0.2"  # Linux answers on all of 127.0.0.0/8

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def on_government_host(fake: FakeServer) -> list[tuple[str, str]]:
    """Listen on the government address; returns the (Host header, path) of every request."""
    fake.host = GOVERNMENT
    seen: list[tuple[str, str]] = []

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        seen.append((request.host, request.path))
        return await handler(request)

    fake.app.middlewares.append(record)
    return seen


@pytest.fixture
async def zwwx(clock: FakeClock) -> AsyncIterator[tuple[wecom.FakeWeCom, list[tuple[str, str]]]]:
    fake = wecom.FakeWeCom(clock)
    seen = on_government_host(fake)
    async with fake:
        yield fake, seen


@pytest.fixture
async def zwding(
    clock: FakeClock,
) -> AsyncIterator[tuple[dingtalk.FakeDingTalk, list[tuple[str, str]]]]:
    fake = dingtalk.FakeDingTalk(clock)
    seen = on_government_host(fake)
    async with fake:
        yield fake, seen


def _hosts(fake: FakeServer, seen: list[tuple[str, str]]) -> set[str]:
    assert fake.url.startswith(f"http://{GOVERNMENT}:")
    return {host for host, _ in seen}


async def test_wecom_government_edition_gets_every_call(
    db_url: str, clock: FakeClock, zwwx: tuple[wecom.FakeWeCom, list[tuple[str, str]]]
) -> None:
    fake, seen = zwwx
    section = {"api_base": fake.url, "agent_id": 1000002, "robots": {"防汛群": "FLOOD"}}
    rig: Rig
    async with await make_rig(
        db_url, clock, "wecom", section, create_wecom, wecom.ENV, "zhangsan"
    ) as rig:
        await rig.adapter.send("zhangsan", chart_reply())
        await rig.adapter.send("appchat:duty01", Reply("交班提醒"))
        await rig.adapter.send("robot:防汛群", table_reply())
        picture = fake.media_message("zhangsan", "image", "", "image/jpeg", JPEG)
        assert await fake.post_plain(rig.url, picture) == 200
        await rig.settle()
    assert _hosts(fake, seen) == {fake.url.removeprefix("http://")}
    paths = {path for _, path in seen}
    assert paths == {
        "/cgi-bin/gettoken",
        "/cgi-bin/message/send",
        "/cgi-bin/appchat/send",
        "/cgi-bin/media/upload",
        "/cgi-bin/webhook/send",
        "/cgi-bin/webhook/upload_media",
        "/cgi-bin/media/get",
    }
    assert fake.texts("appchat:duty01") == ["交班提醒"] and len(fake.files("zhangsan")) == 1


async def test_dingtalk_government_cloud_gets_every_call_and_only_its_webhooks(
    db_url: str, clock: FakeClock, zwding: tuple[dingtalk.FakeDingTalk, list[tuple[str, str]]]
) -> None:
    fake, seen = zwding
    section = {
        "api_base": fake.url,
        "oapi_base": fake.url,
        "session_webhook_origins": [fake.url],  # the government host's, not oapi.dingtalk.com
        "robots": {"防汛群": "FLOOD"},
    }
    async with await make_rig(
        db_url, clock, "dingtalk", section, create_dingtalk, dingtalk.ENV, "zhangsan"
    ) as rig:
        # A sessionWebhook on the public cloud is outside the allow-list: not used (and, here,
        # never called: the reply goes through the government OpenAPI).
        public = fake.message("zhangsan", "/whoami", "g1")
        public["sessionWebhook"] = "https://oapi.dingtalk.com/robot/sendBySession?session=x"
        assert await fake.callback(rig.url, public) == 200
        await rig.settle()
        assert fake.session_hits == 0 and "角色：值班员" in fake.texts("zhangsan")[0]
        # One on the government host is used.
        assert await fake.callback(rig.url, fake.message("zhangsan", "/whoami", "g2")) == 200
        await rig.settle()
        assert fake.session_hits == 1
        await rig.adapter.send("group:cid-duty", chart_reply())
        await rig.adapter.send("robot:防汛群", Reply("水位超警"))
        picture = fake.file_message("zhangsan", "g3", "", "image/jpeg", JPEG)
        assert await fake.callback(rig.url, picture) == 200
        await rig.settle()
    assert _hosts(fake, seen) == {fake.url.removeprefix("http://")}
    paths = {path for _, path in seen if not path.startswith(("/files/", "/session/"))}
    assert paths == {
        "/v1.0/oauth2/accessToken",
        "/v1.0/robot/oToMessages/batchSend",
        "/v1.0/robot/groupMessages/send",
        "/media/upload",
        "/robot/send",
        "/v1.0/robot/messageFiles/download",
    }
    assert any(p.startswith("/files/") for _, p in seen)  # the download URL it named
    assert any(p.startswith("/session/") for _, p in seen)


async def test_dingtalk_stream_mode_opens_at_the_government_gateway(
    db_url: str, clock: FakeClock, zwding: tuple[dingtalk.FakeDingTalk, list[tuple[str, str]]]
) -> None:
    fake, seen = zwding
    section = {"api_base": fake.url, "oapi_base": fake.url, "mode": "stream"}
    async with await make_rig(
        db_url, clock, "dingtalk", section, create_dingtalk, dingtalk.ENV, "zhangsan"
    ) as rig:
        body = fake.message("zhangsan", "/whoami", "st1")  # its sessionWebhook: not allowed
        answer = await fake.push("CALLBACK", "/v1.0/im/bot/messages/get", body)
        assert answer["code"] == 200
        await rig.settle()
    assert _hosts(fake, seen) == {fake.url.removeprefix("http://")}
    assert [path for _, path in seen][:2] == ["/v1.0/gateway/connections/open", "/stream"]
    assert fake.session_hits == 0 and "角色：值班员" in fake.texts("zhangsan")[0]

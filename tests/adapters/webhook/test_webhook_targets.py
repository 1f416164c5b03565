"""Where the webhook may post: refused at config load (internal, credentials, plain http), again
before each POST, and for every address a host name resolves to."""

from __future__ import annotations

import json
import socket

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.adapters.webhook.adapter import Endpoint, WebhookAdapter
from bot.adapters.webhook.resolve import InternalAddress, PublicOnlyResolver
from bot.config import ConfigError
from bot.core.clock import FakeClock
from bot.core.errors import DeliveryError
from bot.core.messages import Reply
from models.tickets.settings import TICKETS
from tests.adapters.webhook.test_ticket_webhook import Platform, platform
from tests.conftest import make_config

__all__ = ["platform"]  # the fake 12345 platform fixture

DOC = Reply(json.dumps({"id": "dutybot-ticket-event-1", "type": "ticket.step"}))


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://169.254.169.254/latest/meta-data/", "链路本地地址 169.254.169.254"),
        ("https://127.0.0.1:6379/", "回环地址 127.0.0.1"),
        ("https://0x7f000001/", "回环地址 127.0.0.1"),
        ("https://2130706433/steps", "回环地址 127.0.0.1"),
        ("https://0177.0.0.1/steps", "回环地址 127.0.0.1"),
        ("https://127.1/steps", "回环地址 127.0.0.1"),
        ("https://[::ffff:127.0.0.1]/steps", "回环地址 127.0.0.1"),
        ("https://[fe80::1]/steps", "链路本地地址 fe80::1"),
        ("https://10.20.30.40/steps", "私有地址 10.20.30.40"),
        ("https://192.168.1.10/steps", "私有地址 192.168.1.10"),
        ("https://100.64.0.1/steps", "保留地址 100.64.0.1"),
        ("https://localhost:8443/steps", "回环地址 localhost"),
        ("https://user:pass@12345.example.cn/steps", "不得含用户名或密码"),
        ("http://12345.example.cn/steps", "须使用 https://"),
        ("http://169.254.169.254/latest/meta-data/", "须使用 https://"),
        ("12345.example.cn/steps", "应为 https:// 开头"),
    ],
)
def test_config_refuses_internal_and_credentialed_urls(
    sqlite_url: str, url: str, why: str
) -> None:
    with pytest.raises(ConfigError, match=r"tickets\.webhook\.url") as refused:
        make_config(sqlite_url, tickets={"webhook": {"url": url}})
    assert why in str(refused.value)


def test_config_allows_public_https_and_explicit_private_targets(sqlite_url: str) -> None:
    public = {"url": "https://12345.example.cn/steps"}
    assert TICKETS.of(make_config(sqlite_url, tickets={"webhook": public})).webhook.url
    inside = {"url": "https://10.20.30.40/steps", "allow_private_targets": True}
    assert TICKETS.of(make_config(sqlite_url, tickets={"webhook": inside})).webhook.url
    plain = {**inside, "url": "http://10.20.30.40/steps", "allow_plain_http": True}
    assert TICKETS.of(make_config(sqlite_url, tickets={"webhook": plain})).webhook.url
    with pytest.raises(ConfigError, match="不得含用户名或密码"):
        creds = {**plain, "url": "http://a:b@10.20.30.40/steps"}
        make_config(sqlite_url, tickets={"webhook": creds})


class Hosts(AbstractResolver):
    """A hosts file: the answer a DNS server would give for each name."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        address = self.table[host]
        return [
            ResolveResult(hostname=host, host=address, port=port, family=family, proto=0, flags=0)
        ]

    async def close(self) -> None:
        """Nothing to release."""


async def test_a_name_resolving_to_loopback_is_refused_before_connecting(
    platform: Platform, clock: FakeClock
) -> None:
    port = platform.url.split(":")[2].split("/")[0]
    url = f"http://12345.example.cn:{port}/steps"
    hosts = Hosts({"12345.example.cn": "127.0.0.1"})
    endpoint = Endpoint(url, "k", 5.0, allow_http=True)
    adapter = WebhookAdapter({"tickets": endpoint}, clock, resolver=hosts)
    try:
        with pytest.raises(DeliveryError, match=r"解析到回环地址 127\.0\.0\.1") as refused:
            await adapter.send("tickets", DOC)
        assert refused.value.permanent
        assert platform.received == []
        # The same name allowed as a private target reaches the (local) platform.
        allowed = Endpoint(url, "k", 5.0, allow_private=True, allow_http=True)
        adapter.endpoints["tickets"] = allowed
        assert await adapter.send("tickets", DOC) == "HTTP 200"
        assert len(platform.received) == 1
    finally:
        await adapter.stop()


async def test_the_system_resolver_is_checked_too() -> None:
    with pytest.raises(InternalAddress, match="回环地址"):
        await PublicOnlyResolver().resolve("localhost", 443)


async def test_an_internal_literal_is_refused_before_each_post(
    platform: Platform, clock: FakeClock
) -> None:
    """An endpoint that did not come through config is checked at send time."""
    endpoint = Endpoint(platform.url, "k", 5.0, allow_http=True)
    adapter = WebhookAdapter({"tickets": endpoint}, clock)
    try:
        with pytest.raises(DeliveryError, match=r"回环地址 127\.0\.0\.1") as refused:
            await adapter.send("tickets", DOC)
        assert refused.value.permanent and platform.received == []
    finally:
        await adapter.stop()

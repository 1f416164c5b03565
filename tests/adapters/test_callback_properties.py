"""Property tests of every platform callback route (WeCom, DingTalk, Feishu, Telegram webhook):
any body, correctly signed or not, is answered without a 5xx or a traceback, and a refused one
stores nothing."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Coroutine, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.telegram.receive import SECRET_HEADER
from bot.app import App
from bot.core.clock import FakeClock
from bot.store.inbox import InboxMessage
from bot.store.outbox import OutboxMessage
from bot.store.sightings import CallbackSighting
from bot.testing.dingtalk import FakeDingTalk
from bot.testing.feishu import FakeFeishu
from bot.testing.wecom import FakeWeCom
from tests.adapters.telegram.harness import SECRET, WEBHOOK_PATH, running_bot
from tests.conftest import START
from tests.http_support import FUZZ, Served, json_values, served

# (headers, query, body) of one request, built from what the strategy drew.
Forge = Callable[[Any], tuple[dict[str, str], dict[str, str], bytes]]
# The App, its server's base URL, "handle what was accepted", and the request forger.
Built = tuple[App, str, Callable[[], Coroutine[Any, Any, None]], Forge]
SERIAL = itertools.count(1)  # message ids: each example a new message, not a repeat
odd_text = st.text("\x00\x1f\t\n <>]]>&\"'\\城关/a", max_size=12) | st.text(max_size=12)


@dataclass(repr=False)
class Callback:
    """One platform's callback route under test."""

    served: Served
    path: str
    forge: Forge
    settle: Callable[[], Coroutine[Any, Any, None]]

    def __repr__(self) -> str:
        return f"Callback({self.path})"


def _bend(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    return {**base, **changes}


async def _wecom(stack: AsyncExitStack, url: str, clock: FakeClock) -> Built:
    from bot.adapters.wecom import create_adapter
    from bot.testing.wecom import ENV
    from tests.adapters.rig import make_rig

    fake = await stack.enter_async_context(FakeWeCom(clock))
    section = {"api_base": fake.url, "agent_id": 1000002, "timeout_seconds": 0.5}
    rig = await make_rig(url, clock, "wecom", section, create_adapter, ENV, "zhangsan")

    def forge(drawn: Any) -> tuple[dict[str, str], dict[str, str], bytes]:
        text, as_json, raw = drawn
        plain = raw if raw is not None else fake.text_message("zhangsan", text, f"m{next(SERIAL)}")
        params, data = fake.sealed(plain, json_body=as_json)
        return {}, params, data

    stack.push_async_callback(rig.close)
    return rig.app, rig.http.url, rig.settle, forge


async def _dingtalk(stack: AsyncExitStack, url: str, clock: FakeClock) -> Built:
    from bot.adapters.dingtalk import create_adapter
    from bot.testing.dingtalk import ENV
    from tests.adapters.rig import make_rig

    fake = await stack.enter_async_context(FakeDingTalk(clock))
    section = {"api_base": fake.url, "oapi_base": fake.url, "timeout_seconds": 0.5}
    section["session_webhook_origins"] = [fake.url]
    rig = await make_rig(url, clock, "dingtalk", section, create_adapter, ENV, "zhangsan")

    def forge(drawn: Any) -> tuple[dict[str, str], dict[str, str], bytes]:
        text, changes, raw = drawn
        body = (
            raw
            if raw is not None
            else _bend(fake.message("zhangsan", text, f"m{next(SERIAL)}"), changes)
        )
        return {**fake.signed(), "Content-Type": "application/json"}, {}, json.dumps(body).encode()

    stack.push_async_callback(rig.close)
    return rig.app, rig.http.url, rig.settle, forge


async def _feishu(stack: AsyncExitStack, url: str, clock: FakeClock) -> Built:
    from bot.adapters.feishu import create_adapter
    from bot.testing.feishu import ENV
    from tests.adapters.rig import make_rig

    fake = await stack.enter_async_context(FakeFeishu(clock))
    section = {"api_base": fake.url, "timeout_seconds": 0.5}
    rig = await make_rig(url, clock, "feishu", section, create_adapter, ENV, "ou_zhangsan")

    def forge(drawn: Any) -> tuple[dict[str, str], dict[str, str], bytes]:
        text, changes, raw = drawn
        event = (
            raw
            if raw is not None
            else _bend(fake.message_event("ou_zhangsan", text, "e1"), changes)
        )
        data, headers = fake.sealed(event)
        return {**headers, "Content-Type": "application/json"}, {}, data

    stack.push_async_callback(rig.close)
    return rig.app, rig.http.url, rig.settle, forge


async def _telegram(
    stack: AsyncExitStack, url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> Built:
    chat = await stack.enter_async_context(
        running_bot(url, clock, monkeypatch, driver="ptb", mode="webhook")
    )

    def forge(drawn: Any) -> tuple[dict[str, str], dict[str, str], bytes]:
        text, changes, raw = drawn
        update = chat.fake.message_update(4242, text)
        update["message"] = _bend(update["message"], changes)
        body = raw if raw is not None else update
        return (
            {SECRET_HEADER: SECRET, "Content-Type": "application/json"},
            {},
            json.dumps(body).encode(),
        )

    async def settle() -> None:
        await chat.adapter.settle()
        await chat.app.sender.drain()

    return chat.app, chat.http.url, settle, forge


PATHS = {
    "wecom": "/wecom/callback",
    "dingtalk": "/dingtalk/callback",
    "feishu": "/feishu/events",
    "telegram": WEBHOOK_PATH,
}


@pytest.fixture(params=list(PATHS))
def callback(
    request: pytest.FixtureRequest, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callback]:
    platform = request.param
    clock = FakeClock(START)
    stack = AsyncExitStack()
    made: dict[str, Any] = {}

    async def build(url: str) -> tuple[App, str, Any]:
        if platform == "telegram":
            app, base, settle, forge = await _telegram(stack, url, clock, monkeypatch)
        else:
            builder = {"wecom": _wecom, "dingtalk": _dingtalk, "feishu": _feishu}[platform]
            app, base, settle, forge = await builder(stack, url, clock)
        made.update(settle=settle, forge=forge)
        return app, base, stack.aclose

    with served("sqlite", sqlite_url, build) as it:
        it.tables = (InboxMessage, CallbackSighting, OutboxMessage)
        yield Callback(it, PATHS[platform], made["forge"], made["settle"])


changes = st.dictionaries(st.text(max_size=12), json_values, max_size=3)
raw_json = st.none() | json_values
deep = st.integers(1, 100_000).map(
    lambda n: b'{"update_id": 1, "a": ' + b"[" * n + b"]" * n + b"}"
)
drawn = {
    "wecom": st.tuples(odd_text, st.booleans(), st.none() | odd_text),
    "dingtalk": st.tuples(odd_text, changes, raw_json),
    "feishu": st.tuples(odd_text, changes, raw_json),
    "telegram": st.tuples(odd_text, changes, raw_json),
}


@FUZZ
@given(data=st.data(), garbage=st.none() | st.binary(max_size=300) | deep)
def test_any_callback_is_answered_cleanly(
    callback: Callback, data: st.DataObject, garbage: bytes | None
) -> None:
    """Signed bodies of any content, and unsigned garbage: never a 5xx or a traceback, and a
    refused request stores nothing."""
    platform = next(k for k, v in PATHS.items() if v == callback.path)
    headers, params, body = callback.forge(data.draw(drawn[platform]))
    if garbage is not None:  # under the headers of a genuine request
        body = garbage
    it = callback.served
    before = it.begin()
    status, text = it.run(it.call("POST", callback.path, headers, body, params))
    it.run(callback.settle())
    it.check(status, text, before, chinese=False)

"""DingTalk Stream mode offline: a local gateway and websocket push robot messages."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bot.adapters.dingtalk import create_adapter
from bot.core.clock import FakeClock
from bot.testing.dingtalk import ENV, FakeDingTalk
from tests.adapters.contract import run_conversation
from tests.adapters.rig import Chat, Rig, make_rig

TOPIC = "/v1.0/im/bot/messages/get"
_ids = itertools.count(1000)


@pytest.fixture
async def rig(db_url: str, clock: FakeClock, ding: FakeDingTalk) -> AsyncIterator[Rig]:
    section = {
        "api_base": ding.url,
        "oapi_base": ding.url,
        "mode": "stream",
        "session_webhook_origins": [ding.url],
    }
    ding.gateway_faults = [503]  # the first connection attempt fails: the adapter retries
    async with await make_rig(
        db_url, clock, "dingtalk", section, _fast_retry, ENV, "zhangsan"
    ) as made:
        yield made


def _fast_retry(*args: object) -> object:
    adapter = create_adapter(*args)  # type: ignore[arg-type]
    assert adapter.stream is not None
    adapter.stream.backoff = 0.05
    return adapter


async def test_conversation_contract_over_the_stream(rig: Rig, ding: FakeDingTalk) -> None:
    async def speak(sender: str, text: str, group: str | None) -> None:
        body = ding.message(sender, text, f"s{next(_ids)}", group=group)
        answer = await ding.push("CALLBACK", TOPIC, body)
        assert answer["code"] == 200  # acknowledged only once stored

    texts = lambda sender, group: ding.texts(sender)  # noqa: E731
    await run_conversation(Chat(rig, speak, texts), "qianfang", rig.bind_code, "zhangsan")
    assert ding.stream_opens == 1


async def test_reconnects_when_asked_and_keeps_receiving(rig: Rig, ding: FakeDingTalk) -> None:
    await ding.disconnect()
    answer = await ding.push("CALLBACK", TOPIC, ding.message("zhangsan", "我是谁", "s-after"))
    assert answer["code"] == 200 and ding.stream_opens == 2
    await rig.adapter.intake.settle()
    await rig.app.sender.drain()
    assert "角色：值班员" in ding.texts("zhangsan")[0]


async def test_unstorable_message_is_not_acknowledged(rig: Rig, ding: FakeDingTalk) -> None:
    async with rig.app.engine.begin() as conn:
        await conn.execute(text("DROP TABLE inbox"))  # storing fails for real
    answer = await ding.push("CALLBACK", TOPIC, ding.message("zhangsan", "我是谁", "s-lost"))
    assert answer["code"] == 500

"""The DingTalk adapter end to end: signed callbacks in; sessionWebhook, OpenAPI, robots out."""

from __future__ import annotations

import itertools
import json

import pytest

from bot.core.errors import DeliveryError
from bot.core.messages import Button, Mention, Reply
from bot.testing.dingtalk import FakeDingTalk
from bot.testing.fakes import Fault
from tests.adapters.contract import run_conversation
from tests.adapters.rig import Chat, Rig

_ids = itertools.count(1000)


def _url(rig: Rig) -> str:
    return f"{rig.http.url}/dingtalk/callback"


async def _say(
    rig: Rig, ding: FakeDingTalk, sender: str, text: str, group: str | None = None
) -> None:
    body = ding.message(sender, text, f"m{next(_ids)}", group=group)
    assert await ding.callback(_url(rig), body) == 200
    await rig.adapter.intake.settle()
    await rig.app.sender.drain()


async def test_conversation_contract_over_session_webhooks(rig: Rig, ding: FakeDingTalk) -> None:
    async def speak(sender: str, text: str, group: str | None) -> None:
        body = ding.message(sender, text, f"m{next(_ids)}", group=group)
        assert await ding.callback(_url(rig), body) == 200

    texts = lambda sender, group: ding.texts(f"group:{group}" if group else sender)  # noqa: E731
    await run_conversation(Chat(rig, speak, texts), "qianfang", rig.bind_code, "zhangsan")
    assert ding.session_hits >= 5 and ding.tokens == 0  # every reply went through the webhook


async def test_conversation_contract_over_openapi_when_webhooks_are_stale(
    rig: Rig, ding: FakeDingTalk
) -> None:
    async def speak(sender: str, text: str, group: str | None) -> None:
        body = ding.message(sender, text, f"m{next(_ids)}", group=group, ttl_s=60)
        assert await ding.callback(_url(rig), body) == 200

    texts = lambda sender, group: ding.texts(sender)  # noqa: E731
    await run_conversation(Chat(rig, speak, texts), "qianfang", rig.bind_code, "zhangsan")
    assert ding.session_hits == 0 and ding.tokens == 1
    assert ding.to("zhangsan")[0]["robotCode"] == "dingappkey0123"


async def test_group_message_reply_goes_to_the_group(rig: Rig, ding: FakeDingTalk) -> None:
    await _say(rig, ding, "zhangsan", "/whoami", group="cidGROUP1")
    assert "角色：值班员" in ding.texts("group:cidGROUP1")[0]
    assert rig.adapter.is_group("group:cidGROUP1") and not rig.adapter.is_group("zhangsan")


async def test_token_refresh_and_stale_webhook_fallback(rig: Rig, ding: FakeDingTalk) -> None:
    await rig.adapter.send("zhangsan", Reply("一"))
    ding.token = "revoked"
    await rig.adapter.send("zhangsan", Reply("二"))
    assert ding.tokens == 2 and ding.texts("zhangsan") == ["一", "二"]
    # A fresh webhook DingTalk no longer accepts: forgotten, OpenAPI used instead.
    await _say(rig, ding, "lisi", "你好")
    ding.fail_next(Fault(body={"errcode": 300001, "errmsg": "session expired"}))
    await rig.adapter.send("lisi", Reply("三"))
    assert ding.texts("lisi")[-1] == "三" and "msgParam" in ding.to("lisi")[-1]


async def test_private_buttons_are_tappable_links(rig: Rig, ding: FakeDingTalk) -> None:
    await rig.adapter.send("zhangsan", Reply("请确认", buttons=((Button("收到", "收到 12"),),)))
    sent = ding.to("zhangsan")[0]
    assert sent["msgKey"] == "sampleMarkdown"
    assert (
        "[收到](dtmd://dingtalkclient/sendMessage?content=%E6%94%B6%E5%88%B0%2012)"
        in (json.loads(sent["msgParam"])["text"])
    )


async def test_custom_robot_is_signed_once_and_mentions(rig: Rig, ding: FakeDingTalk) -> None:
    reply = Reply("水位超警", mentions=(Mention("sunwei", "孙伟"),))
    await rig.adapter.send("robot:防汛群", reply)
    sent = ding.to("robot:flood")[0]
    assert sent["text"]["content"] == "水位超警\n@sunwei"
    assert sent["at"] == {"atUserIds": ["sunwei"], "isAtAll": False}


@pytest.mark.parametrize(
    ("fault", "permanent", "retry_after"),
    [
        (Fault(body={"errcode": 310000, "errmsg": "sign not match"}), True, None),
        (Fault(body={"errcode": 130101, "errmsg": "send too fast"}), False, 600.0),
        (Fault(status=500), False, None),
        (Fault(delay=1.0), False, None),
    ],
)
async def test_custom_robot_faults(
    rig: Rig, ding: FakeDingTalk, fault: Fault, permanent: bool, retry_after: float | None
) -> None:
    ding.fail_next(fault)
    with pytest.raises(DeliveryError) as info:
        await rig.adapter.send("robot:防汛群", Reply("x"))
    assert (info.value.permanent, info.value.retry_after) == (permanent, retry_after)


async def test_openapi_faults(rig: Rig, ding: FakeDingTalk) -> None:
    throttled = {"code": "Forbidden.AccessDenied.QpsLimitForApi", "message": "qps"}
    ding.fail_next(Fault(status=403, body=throttled))
    with pytest.raises(DeliveryError) as info:
        await rig.adapter.send("zhangsan", Reply("x"))
    assert info.value.retry_after == 60.0 and info.value.pause_platform
    ding.fail_next(Fault(status=400, body={"code": "invalidParameter", "message": "staff"}))
    with pytest.raises(DeliveryError) as info:
        await rig.adapter.send("zhangsan", Reply("x"))
    assert info.value.permanent
    with pytest.raises(DeliveryError) as info:
        await rig.adapter.send("robot:森林防火群", Reply("x"))
    assert info.value.permanent and "platforms.dingtalk.robots" in str(info.value)


async def test_group_without_a_fresh_webhook_goes_through_openapi(
    rig: Rig, ding: FakeDingTalk
) -> None:
    reply = Reply("防汛会商 15:00", mentions=(Mention("sunwei", "孙伟"),))
    await rig.adapter.send("group:cidGROUP2", reply)
    (sent,) = ding.to("group:cidGROUP2")
    assert sent["openConversationId"] == "cidGROUP2" and sent["msgKey"] == "sampleText"
    assert json.loads(sent["msgParam"])["content"] == "@孙伟\n防汛会商 15:00"

"""The Feishu adapter end to end: encrypted events in, im/v1 messages and custom bots out."""

from __future__ import annotations

import itertools
import json

import pytest

from bot.core.errors import DeliveryError
from bot.core.messages import Button, Mention, Reply, TextFormat
from bot.testing.fakes import Fault
from bot.testing.feishu import VERIFICATION, FakeFeishu
from tests.adapters.contract import run_conversation
from tests.adapters.rig import Chat, Rig

_ids = itertools.count(1000)


def _url(rig: Rig) -> str:
    return f"{rig.http.url}/feishu/events"


async def _settle(rig: Rig) -> None:
    await rig.adapter.intake.settle()
    await rig.app.sender.drain()


async def test_conversation_contract(rig: Rig, feishu: FakeFeishu) -> None:
    async def speak(sender: str, text: str, group: str | None) -> None:
        event = feishu.message_event(sender, text, f"ev{next(_ids)}", group)
        assert (await feishu.post_event(_url(rig), event))[0] == 200

    texts = lambda sender, group: feishu.texts(f"chat:{group}" if group else sender)  # noqa: E731
    await run_conversation(Chat(rig, speak, texts), "ou_qianfang", rig.bind_code, "ou_zhangsan")


async def test_url_verification_and_refusals(rig: Rig, feishu: FakeFeishu) -> None:
    challenge = {"challenge": "ajls384kdjx98XX", "token": VERIFICATION, "type": "url_verification"}
    assert await feishu.post_event(_url(rig), challenge, sign=False) == (
        200,
        {"challenge": "ajls384kdjx98XX"},
    )
    # Undecryptable or the wrong token: refused, with what to check in the log.
    assert (await feishu.post_event(_url(rig), {**challenge, "token": "x"}))[0] == 400
    assert (await feishu.post_event(_url(rig), challenge, key="other key", sign=False))[0] == 400


async def test_group_mention_and_redelivered_event(rig: Rig, feishu: FakeFeishu) -> None:
    event = feishu.message_event("ou_zhangsan", "/whoami", "ev-dup", group="oc_flood")
    assert (await feishu.post_event(_url(rig), event))[0] == 200
    assert (await feishu.post_event(_url(rig), event))[0] == 200  # re-sent: same event_id
    await _settle(rig)
    (only,) = feishu.texts("chat:oc_flood")
    assert "角色：值班员" in only
    assert feishu.to("chat:oc_flood")[0]["receive_id"] == "oc_flood"


async def test_card_button_press_is_the_command(rig: Rig, feishu: FakeFeishu) -> None:
    await rig.adapter.send(
        "ou_zhangsan", Reply("请确认", buttons=((Button("我是谁", "我是谁"),),))
    )
    card = json.loads(feishu.to("ou_zhangsan")[0]["content"])
    value = card["elements"][1]["actions"][0]["value"]
    assert value == {"command": "我是谁", "group": False}
    press = {
        "schema": "2.0",
        "header": {
            "event_id": "ev-card",
            "event_type": "card.action.trigger",
            "token": VERIFICATION,
        },
        "event": {
            "operator": {"open_id": "ou_zhangsan"},
            "action": {"value": value, "tag": "button"},
            "context": {"open_chat_id": "oc_p2p", "open_message_id": "om_1"},
        },
    }
    status, answer = await feishu.post_event(_url(rig), press)
    assert status == 200 and "我是谁" in answer["toast"]["content"]
    await _settle(rig)
    assert "角色：值班员" in feishu.texts("ou_zhangsan")[-1]


async def test_edit_in_place_and_token_refresh(rig: Rig, feishu: FakeFeishu) -> None:
    first = await rig.adapter.send("ou_zhangsan", Reply("进度 1/3", edit_key="p"))
    feishu.token = "revoked"
    assert await rig.adapter.send("ou_zhangsan", Reply("进度 2/3"), edit_of=first) == first
    assert feishu.tokens == 2
    assert feishu.edits == [(first, {"msg_type": "text", "content": '{"text":"进度 2/3"}'})]


async def test_cards_are_shared_so_a_later_patch_updates_them(
    rig: Rig, feishu: FakeFeishu
) -> None:
    summary = Reply("**回执** 0/3", TextFormat.MARKDOWN, edit_key="s")
    first = await rig.adapter.send("ou_zhangsan", summary)
    card = json.loads(feishu.to("ou_zhangsan")[0]["content"])
    assert card["config"]["update_multi"] is True
    later = Reply("**回执** 2/3", TextFormat.MARKDOWN)
    assert await rig.adapter.send("ou_zhangsan", later, edit_of=first) == first
    assert [m for m, _ in feishu.edits] == [first]  # patched in place, no new message
    assert len(feishu.to("ou_zhangsan")) == 1
    # The fake refuses to update a card sent without it, as Feishu does.
    unshared = {**feishu.messages[first]}
    unshared["content"] = json.dumps({**card, "config": {"wide_screen_mode": True}})
    feishu.messages[first] = unshared
    assert await rig.adapter.send("ou_zhangsan", later, edit_of=first) != first


async def test_custom_bot_signed_markdown_and_faults(rig: Rig, feishu: FakeFeishu) -> None:
    await rig.adapter.send(
        "robot:防汛群",
        Reply("**水位**超警", TextFormat.MARKDOWN, mentions=(Mention("ou_x", "孙伟"),)),
    )
    sent = feishu.to("robot:flood")[0]
    assert sent["msg_type"] == "interactive"
    assert sent["card"]["elements"][0]["content"].startswith('<at user_id="ou_x">孙伟</at>')
    feishu.fail_next(Fault(body={"code": 11232, "msg": "frequency limited"}))
    with pytest.raises(DeliveryError) as info:
        await rig.adapter.send("robot:防汛群", Reply("x"))
    assert info.value.retry_after == 60.0
    feishu.fail_next(Fault(body={"code": 19021, "msg": "sign match fail"}))
    with pytest.raises(DeliveryError) as info:
        await rig.adapter.send("robot:防汛群", Reply("x"))
    assert info.value.permanent
    feishu.fail_next(Fault(status=503), Fault(delay=1.0))
    for _ in range(2):
        with pytest.raises(DeliveryError) as info:
            await rig.adapter.send("ou_zhangsan", Reply("x"))
        assert not info.value.permanent and info.value.retry_after is None

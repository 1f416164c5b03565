"""The WeCom adapter end to end: encrypted callbacks in, qyapi sends out, against a local fake."""

from __future__ import annotations

import itertools

import pytest

from bot.core.clock import FakeClock
from bot.core.errors import DeliveryError
from bot.core.messages import Button, Mention, Reply, Target, TextFormat
from bot.store import outbox
from bot.testing.fakes import Fault
from bot.testing.wecom import FakeWeCom
from tests.adapters.contract import run_conversation
from tests.adapters.rig import Chat, Rig

_ids = itertools.count(1000)


def _url(rig: Rig) -> str:
    return f"{rig.http.url}/wecom/callback"


def chat(rig: Rig, wecom: FakeWeCom) -> Chat:
    async def speak(sender: str, text: str, group: str | None) -> None:
        assert await wecom.callback(_url(rig), sender, text, str(next(_ids))) == 200

    return Chat(rig, speak, lambda sender, group: wecom.texts(sender))


async def test_conversation_contract(rig: Rig, wecom: FakeWeCom) -> None:
    await run_conversation(chat(rig, wecom), "qianfang", rig.bind_code, "zhangsan")


async def test_json_callbacks_retries_and_bad_bodies(rig: Rig, wecom: FakeWeCom) -> None:
    assert await wecom.callback(_url(rig), "zhangsan", "我是谁", "77", json_body=True) == 200
    # WeCom retries when slow, signed afresh: the same MsgId is handled once.
    assert await wecom.callback(_url(rig), "zhangsan", "我是谁", "77") == 200
    await rig.adapter.intake.settle()
    await rig.app.sender.drain()
    assert len(wecom.texts("zhangsan")) == 1 and "张三" in wecom.texts("zhangsan")[0]
    # Tencent's malformed JSON sample, correctly encrypted and signed: refused, no crash.
    malformed = '{ "ToUserName": "x", "FromUserName": :mycreate", "MsgType": "text"}'
    assert await wecom.post_plain(_url(rig), malformed, json_body=True) == 400
    assert await wecom.post_plain(_url(rig), "<xml><a>1</xml>") == 400


async def test_menu_click_and_card_button_are_commands(rig: Rig, wecom: FakeWeCom) -> None:
    event = (
        "<xml><ToUserName>c</ToUserName><FromUserName>zhangsan</FromUserName>"
        "<CreateTime>1</CreateTime><MsgType>event</MsgType><Event>template_card_event</Event>"
        "<EventKey>我是谁</EventKey><TaskId>t1</TaskId></xml>"
    )
    assert await wecom.post_plain(_url(rig), event) == 200
    await rig.adapter.intake.settle()
    await rig.app.sender.drain()
    assert "角色：值班员" in wecom.texts("zhangsan")[-1]


async def test_token_is_cached_and_refreshed_when_wecom_expires_it(
    rig: Rig, wecom: FakeWeCom
) -> None:
    await rig.adapter.send("zhangsan", Reply("一"))
    await rig.adapter.send("user:zhangsan", Reply("二"))
    assert wecom.tokens == 1
    wecom.expire_token()
    await rig.adapter.send("zhangsan", Reply("三"))
    assert wecom.tokens == 2 and wecom.texts("zhangsan") == ["一", "二", "三"]
    sent = wecom.to("zhangsan")[0]
    # A first attempt never asks for the duplicate check (test_duplicates.py).
    assert sent["agentid"] == 1000002 and "enable_duplicate_check" not in sent


async def test_long_text_is_split_within_2048_bytes(rig: Rig, wecom: FakeWeCom) -> None:
    text = "\n".join(f"第{i}行：防汛值班情况正常，无新增险情。" for i in range(200))
    await rig.adapter.send("zhangsan", Reply(text))
    pieces = wecom.texts("zhangsan")
    assert len(pieces) > 1 and all(len(p.encode()) <= 2048 for p in pieces)
    assert "\n".join(pieces) == text


async def test_app_markdown_is_split_at_2048_bytes_and_robot_markdown_at_4096(
    rig: Rig, wecom: FakeWeCom
) -> None:
    text = "\n".join(f"**第{i}行**：防汛值班情况正常，无新增险情。" for i in range(200))
    await rig.adapter.send("zhangsan", Reply(text, TextFormat.MARKDOWN))
    await rig.adapter.send("appchat:c1", Reply(text, TextFormat.MARKDOWN))
    await rig.adapter.send("robot:防汛群", Reply(text, TextFormat.MARKDOWN))
    for receiver, limit in (("zhangsan", 2048), ("appchat:c1", 2048)):
        pieces = wecom.texts(receiver)
        assert {b["msgtype"] for b in wecom.to(receiver)} == {"markdown"}
        assert all(len(p.encode()) <= limit for p in pieces) and "\n".join(pieces) == text
    robot = wecom.texts("robot:robot-key-flood")
    assert all(len(p.encode()) <= 4096 for p in robot)
    assert max(len(p.encode()) for p in robot) > 2048  # the robot's own, larger limit
    assert len(robot) < len(wecom.texts("zhangsan"))


async def test_buttons_become_a_template_card_or_typed_hints(rig: Rig, wecom: FakeWeCom) -> None:
    reply = Reply("紧急通知：请确认收到", buttons=((Button("收到", "收到 12"),),))
    await rig.adapter.send("zhangsan", reply)
    text, card = wecom.to("zhangsan")
    assert text["text"]["content"] == "紧急通知：请确认收到"
    assert card["template_card"]["button_list"][0]["key"] == "收到 12"
    # An app not allowed template cards (permanent error) gets the buttons as text instead.
    wecom.fail_next(Fault(), Fault(body={"errcode": 40008, "errmsg": "invalid message type"}))
    await rig.adapter.send("zhangsan", reply)
    assert wecom.texts("zhangsan")[-1] == "[收到] 回复「收到 12」"


async def test_robot_text_markdown_mentions_and_unknown_robot(rig: Rig, wecom: FakeWeCom) -> None:
    assert rig.adapter.is_group("robot:防汛群") and not rig.adapter.is_group("zhangsan")
    mention = (Mention("sunwei", "孙伟"),)
    await rig.adapter.send("robot:防汛群", Reply("水位超警", mentions=mention))
    await rig.adapter.send(
        "robot:防汛群", Reply("**水位**超警", format=TextFormat.MARKDOWN, mentions=mention)
    )
    text, markdown = wecom.to("robot:robot-key-flood")
    assert text["text"] == {"content": "水位超警", "mentioned_list": ["sunwei"]}
    assert markdown["markdown"]["content"] == "**水位**超警\n<@sunwei>"
    with pytest.raises(DeliveryError) as info:
        await rig.adapter.send("robot:森林防火群", Reply("x"))
    assert info.value.permanent and "platforms.wecom.robots" in str(info.value)


@pytest.mark.parametrize(
    ("fault", "permanent", "retry_after", "pause"),
    [
        (Fault(body={"errcode": 45009, "errmsg": "api freq out of limit"}), False, 60.0, False),
        (Fault(body={"errcode": 93000, "errmsg": "invalid webhook url"}), True, None, False),
        (Fault(status=502), False, None, False),
        (Fault(delay=1.0), False, None, False),  # longer than the 0.5 s client timeout
        (Fault(body={"errcode": -1, "errmsg": "system busy"}), False, None, False),
    ],
)
async def test_robot_faults_map_to_delivery_errors(
    rig: Rig,
    wecom: FakeWeCom,
    fault: Fault,
    permanent: bool,
    retry_after: float | None,
    pause: bool,
) -> None:
    wecom.fail_next(fault)
    with pytest.raises(DeliveryError) as info:
        await rig.adapter.send("robot:防汛群", Reply("水位超警"))
    err = info.value
    assert (err.permanent, err.retry_after, err.pause_platform) == (permanent, retry_after, pause)


async def test_app_rate_limit_pauses_the_platform_and_invalid_user_is_permanent(
    rig: Rig, wecom: FakeWeCom
) -> None:
    wecom.fail_next(Fault(body={"errcode": 45009, "errmsg": "api freq out of limit"}))
    with pytest.raises(DeliveryError) as info:
        await rig.adapter.send("zhangsan", Reply("x"))
    assert info.value.pause_platform and info.value.retry_after == 60.0
    wecom.unknown_users.add("nobody")
    with pytest.raises(DeliveryError) as info:
        await rig.adapter.send("nobody", Reply("x"))
    assert info.value.permanent


async def test_outbox_retries_a_5xx_and_delivers(
    rig: Rig, wecom: FakeWeCom, clock: FakeClock
) -> None:
    wecom.fail_next(Fault(status=503))
    async with rig.app.sessions.begin() as session:
        await outbox.enqueue(
            session, clock.now(), Target("wecom", "zhangsan"), Reply("回电提醒"), key="k1"
        )
    await rig.app.sender.drain()
    assert wecom.texts("zhangsan") == []
    clock.advance(seconds=5)
    await rig.app.sender.drain()
    assert wecom.texts("zhangsan") == ["回电提醒"]


async def test_app_chat_is_a_group_sent_through_appchat(rig: Rig, wecom: FakeWeCom) -> None:
    assert rig.adapter.is_group("appchat:duty01")
    await rig.adapter.send("appchat:duty01", Reply("交班提醒"))
    (sent,) = wecom.to("appchat:duty01")
    assert sent["chatid"] == "duty01" and sent["text"]["content"] == "交班提醒"
    assert "agentid" not in sent

"""DingTalk HTTP callbacks cannot be forged or replayed: the sign covers only the timestamp, so
each one is accepted once within DingTalk's hour, and a body's sessionWebhook is used only on
DingTalk's own origin."""

from __future__ import annotations

import json
import logging

import pytest

from bot.adapters.dingtalk import create_adapter
from bot.adapters.dingtalk.inbound import origin
from bot.core.clock import FakeClock
from bot.core.messages import Reply
from bot.testing.dingtalk import ENV, FakeDingTalk
from tests.adapters.refusals import SECRET_TEXT, refused, refused_elsewhere
from tests.adapters.rig import Rig

HOUR_MS = 3600 * 1000


def _now_ms(clock: FakeClock) -> int:
    return int(clock.now().timestamp() * 1000)


async def test_forged_unsigned_and_oversized_callbacks_are_refused(
    rig: Rig, ding: FakeDingTalk, caplog: pytest.LogCaptureFixture
) -> None:
    body = ding.message("zhangsan", f"/whoami {SECRET_TEXT}", "f1")
    await refused(
        rig, ding, caplog, ding.callback(rig.url, body, secret="SECguess"), 403, "forged"
    )
    raw = json.dumps(body).encode()
    await refused(rig, ding, caplog, ding.post(rig.url, raw), 403, "unsigned")
    only_sign = {"sign": ding.signed()["sign"]}
    await refused(rig, ding, caplog, ding.post(rig.url, raw, only_sign), 403, "unsigned")
    padded = {**body, "pad": "x" * 256 * 1024}
    await refused(rig, ding, caplog, ding.callback(rig.url, padded), 413, "bytes")
    not_json = ding.post(rig.url, b"[1, 2]", ding.signed())
    await refused(rig, ding, caplog, not_json, 400, "JSON object")


async def test_stale_and_future_timestamps_are_refused_the_hour_itself_is_not(
    rig: Rig, ding: FakeDingTalk, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    body = ding.message("zhangsan", "/whoami", "s1")
    for stamp in (_now_ms(clock) - HOUR_MS - 1000, _now_ms(clock) + HOUR_MS + 1000):
        posting = ding.callback(rig.url, body, stamp=str(stamp))
        await refused(rig, ding, caplog, posting, 403, "stale")
    assert await ding.callback(rig.url, body, stamp=str(_now_ms(clock) - HOUR_MS)) == 200


async def test_a_captured_signature_carries_no_other_body(
    rig: Rig, ding: FakeDingTalk, caplog: pytest.LogCaptureFixture
) -> None:
    """The reported attack: a genuine request's headers with a body naming a real user and a
    sessionWebhook of the attacker's. The signature was used, so the body is refused."""
    headers = ding.signed()
    genuine = ding.message("lisi", "你好", "g1")
    assert (await ding.post(rig.url, json.dumps(genuine).encode(), headers))[0] == 200
    await rig.settle()
    async with FakeDingTalk(rig.app.clock) as attacker:
        forged = ding.message("zhangsan", f"/whoami {SECRET_TEXT}", "forged-1")
        forged["sessionWebhook"] = f"{attacker.url}/session/zhangsan"
        posting = ding.post(rig.url, json.dumps(forged).encode(), headers)
        await refused(rig, ding, caplog, posting, 403, "replayed")
        replay = ding.post(rig.url, json.dumps(genuine).encode(), headers)
        await refused(rig, ding, caplog, replay, 403, "replayed")
        assert attacker.sent == [] and ding.to("zhangsan") == []


async def test_a_signature_used_on_one_instance_is_refused_by_another(
    rig: Rig, ding: FakeDingTalk, caplog: pytest.LogCaptureFixture
) -> None:
    headers = ding.signed()
    raw = json.dumps(ding.message("zhangsan", "/whoami", "i1")).encode()
    assert (await ding.post(rig.url, raw, headers))[0] == 200
    posting = lambda url: ding.post(url, raw, headers)  # noqa: E731
    await refused_elsewhere(rig, ding, caplog, create_adapter, ENV, posting)
    await rig.settle()
    assert len(ding.texts("zhangsan")) == 1


async def test_a_foreign_session_webhook_is_never_used(
    rig: Rig, ding: FakeDingTalk, caplog: pytest.LogCaptureFixture
) -> None:
    """A signed body (an unused signature) whose sessionWebhook points elsewhere: the message is
    handled, but its reply goes through the OpenAPI, and so do later ones."""
    async with FakeDingTalk(rig.app.clock) as attacker:
        body = ding.message("zhangsan", "/whoami", "w1")
        body["sessionWebhook"] = f"{attacker.url}/session/zhangsan"
        with caplog.at_level(logging.WARNING, logger="dutybot.dingtalk"):
            assert await ding.callback(rig.url, body) == 200
        assert "session_webhook_origins" in caplog.text
        await rig.settle()
        await rig.adapter.send("zhangsan", Reply("值班提醒"))
        assert attacker.sent == [] and ding.session_hits == 0
        assert all("msgParam" in sent for sent in ding.to("zhangsan"))
        assert "角色：值班员" in ding.texts("zhangsan")[0]
        assert ding.texts("zhangsan")[1] == "值班提醒"


async def test_a_far_future_webhook_lives_no_longer_than_dingtalk_gives_one(
    rig: Rig, ding: FakeDingTalk, clock: FakeClock
) -> None:
    """A signed body whose webhook is on DingTalk's origin but claims to last until the year
    3000: it is kept for DingTalk's 90 minutes at most, and a later genuine one replaces it."""
    for chat in ("lisi", "zhangsan"):
        body = ding.message(chat, "你好", f"far-{chat}")
        body["sessionWebhook"] = f"{ding.url}/session/elsewhere"
        body["sessionWebhookExpiredTime"] = 32503680000000
        assert await ding.callback(rig.url, body) == 200
    await rig.settle()
    elsewhere = len(ding.to("elsewhere"))
    clock.advance(minutes=10)
    assert await ding.callback(rig.url, ding.message("zhangsan", "你好", "near")) == 200
    await rig.settle()
    await rig.adapter.send("zhangsan", Reply("值班提醒"))
    assert ding.to("zhangsan")[-1]["text"]["content"] == "值班提醒"  # the genuine webhook
    clock.advance(minutes=76)  # 86 minutes on: within the 5-minute margin of its 90
    await rig.adapter.send("lisi", Reply("值班提醒"))
    assert "msgParam" in ding.to("lisi")[-1] and len(ding.to("elsewhere")) == elsewhere


def test_origins_compare_scheme_host_and_port_only() -> None:
    assert origin("https://OAPI.dingtalk.com/robot/sendBySession?session=x") == (
        "https://oapi.dingtalk.com"
    )
    assert origin("https://oapi.dingtalk.com.evil.example/robot") == (
        "https://oapi.dingtalk.com.evil.example"
    )
    assert origin("https://oapi.dingtalk.com@evil.example/robot") == ""
    assert origin("https://oapi.dingtalk.com:8443/robot") == "https://oapi.dingtalk.com:8443"
    assert origin("http://oapi.dingtalk.com/robot") == "http://oapi.dingtalk.com"
    assert origin("https://[::1:bad/") == "" and origin("not a url") == ""

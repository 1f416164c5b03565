"""The phone push routes refuse or drop what must not acknowledge (wrong token, oversized, not
JSON, stale), and 腾讯云's reply and key-press shapes reach the same acknowledgement as 阿里云's
(the rig of tests/schedules/broadcast/test_phone_replies.py)."""

from __future__ import annotations

import json

from bot.adapters.sms import PhoneCallbacks
from bot.core.clock import FakeClock
from bot.http.server import HttpServer
from tests.schedules.broadcast.test_phone_ladder import AFTER_SMS, PHONES, SILENT
from tests.schedules.broadcast.test_phone_replies import TOKEN, Rig, rig, start

__all__ = ["rig"]  # the fixture, shared


async def test_pushes_refused_or_dropped(rig: Rig, clock: FakeClock) -> None:
    await start(rig)
    await rig.drill.tick(5)
    wrong = rig.sms_url.replace(TOKEN, "x" * len(TOKEN))
    status, _ = await rig.fake.post(wrong, b"[]", {"Content-Type": "application/json"})
    assert status == 403
    big = b"[" + b" " * (64 * 1024) + b"]"
    assert (await rig.fake.post(rig.sms_url, big, {"Content-Type": "application/json"}))[0] == 413
    assert (await rig.fake.post(rig.sms_url, b"{not json", {}))[0] == 400
    # The push says the reply was sent an hour ago: stale (the window is 30 min), dropped.
    assert (await rig.fake.push_reply(rig.sms_url, PHONES[AFTER_SMS], "收到", 7, 3600))[0] == 200
    assert await rig.audits() == [] and AFTER_SMS not in await rig.acked()


async def test_tencent_reply_and_keypress_shapes(rig: Rig, clock: FakeClock) -> None:
    """腾讯云's 回复回调 and 按键回调 on their own routes reach the same acknowledgement."""
    platforms = rig.app.config.platforms
    http = HttpServer("127.0.0.1", 0)
    for platform, section in (("sms", platforms.sms), ("voice", platforms.voice)):
        path = f"/tc/{platform}"
        tencent = section.model_copy(update={"provider": "tencent", "callback_path": path})
        PhoneCallbacks(platform, tencent, http, TOKEN + platform, clock).start(
            rig.app.dispatcher.phone
        )
    await http.start()
    try:
        await start(rig)
        await rig.drill.tick(10)
        reply = {
            "extend": "",
            "mobile": PHONES[AFTER_SMS],
            "nationcode": "86",
            "sign": "某县应急办",
            "text": "确认",
            "time": int(clock.now().timestamp()),
        }
        url = f"{http.url}/tc/sms/{TOKEN}sms"
        status, answer = await rig.fake.post(url, json.dumps(reply).encode())
        assert (status, json.loads(answer)) == (200, {"result": 0, "errmsg": "OK"})
        calls = [c for c in rig.fake.calls if c["action"] == "SingleCallByTts"]
        call = next(c for c in calls if c["query"]["CalledNumber"] == PHONES[SILENT[1]])
        press = {
            "voicekey_callback": {
                "call_from": "",
                "callid": call["CallId"],
                "keypress": "1",
                "mobile": PHONES[SILENT[1]],
                "nationcode": "86",
            }
        }
        status, _ = await rig.fake.post(
            f"{http.url}/tc/voice/{TOKEN}voice", json.dumps(press).encode()
        )
        assert status == 200
        assert {AFTER_SMS, SILENT[1]} <= await rig.acked()
        status_report = {"voiceprompt_callback": {"result": "0", "callid": call["CallId"]}}
        await rig.fake.post(
            f"{http.url}/tc/voice/{TOKEN}voice", json.dumps(status_report).encode()
        )
        assert len(await rig.audits()) == 2  # a status report is not a key press
    finally:
        await http.stop()

"""The providers' push shapes as phone events: a bad item is skipped, never the whole batch."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.sms.pushes import events
from bot.core.phone_inbound import KeyPress, PhoneReply

NOW = datetime(2026, 7, 1, 2, 0, tzinfo=UTC)


def test_an_aliyun_batch_keeps_its_good_items_in_beijing_time() -> None:
    batch = [
        {"phone_number": "not a number", "content": "收到", "send_time": "2026-07-01 10:00:00"},
        {"content": "no number at all"},
        {
            "phone_number": "8613900000003",
            "content": "收到",
            "send_time": "2026-07-01 10:00:00",
            "sign_name": "某县应急办",
            "dest_code": "1234",
            "sequence_id": 77,
        },
    ]
    (reply,) = events("aliyun", "sms", batch, NOW)
    assert reply == PhoneReply("sms", "aliyun", "13900000003", "收到", NOW, "77:13900000003")


def test_aliyun_call_reports_without_keys_are_not_key_presses() -> None:
    batch = [
        {"call_id": "1^2", "status_code": "200000", "status_time": "2026-07-01 10:00:00"},
        {
            "call_id": "1^2",
            "dtmf": "1",
            "status_time": "2026-07-01 10:00:00",
            "callee": "1390****003",
        },
    ]
    (press,) = events("aliyun", "voice", batch, NOW)
    assert press == KeyPress("voice", "aliyun", "1^2", "1", "", NOW, "1^2:1")


def test_tencent_shapes() -> None:
    reply = {"nationcode": "86", "mobile": "13900000003", "text": "1", "time": 1782871200}
    (found,) = events("tencent", "sms", reply, NOW)
    assert isinstance(found, PhoneReply) and found.at == NOW
    abroad = {**reply, "nationcode": "852"}
    assert list(events("tencent", "sms", abroad, NOW)) == []
    press = {"voicekey_callback": {"callid": "c1", "keypress": "1", "mobile": "13900000003"}}
    (key,) = events("tencent", "voice", press, NOW)
    assert isinstance(key, KeyPress) and (key.call_id, key.at) == ("c1", NOW)
    assert list(events("tencent", "voice", {"voiceprompt_callback": {}}, NOW)) == []


@pytest.mark.parametrize(("provider", "body"), [("aliyun", {"a": 1}), ("tencent", [1, 2])])
def test_a_body_of_the_wrong_kind_is_refused(provider: str, body: object) -> None:
    with pytest.raises(ValueError):
        list(events(provider, "sms", body, NOW))

"""腾讯云 SMS and VMS through the official SDK against bot/testing/tencent.py: the signed request
reaches the fake with the template, and each answer maps to sent, retry or permanent failure."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.sms import TencentSms, TencentVoice, create_sms
from bot.app import parse_config
from bot.config import ConfigError
from bot.config.platforms import PhoneTemplate, SmsConfig, VoiceConfig
from bot.core.errors import DeliveryError
from bot.core.phone_messages import PhoneMessage
from bot.testing.tencent import SECRET_ID, SECRET_KEY, FakeTencent

SMS_TEMPLATE = PhoneTemplate(id="1000001", params=("title", "minutes"), max_param_chars=12)
CALL_TEMPLATE = PhoneTemplate(id="2000001", params=("title",), max_param_chars=20)


@pytest.fixture
async def server() -> AsyncIterator[FakeTencent]:
    async with FakeTencent() as fake:
        yield fake


def _host(fake: FakeTencent) -> str:
    return fake.url.removeprefix("http://")


def sms(fake: FakeTencent, secret_key: str = SECRET_KEY) -> TencentSms:
    config = SmsConfig(
        enabled=True,
        endpoint=_host(fake),
        scheme="http",
        app_id=fake.sms_app,
        sign_name="某县应急办",
        templates={"red_alert": SMS_TEMPLATE},
    )
    return TencentSms(config, SECRET_ID, secret_key)


def voice(fake: FakeTencent) -> TencentVoice:
    config = VoiceConfig(
        enabled=True,
        endpoint=_host(fake),
        scheme="http",
        app_id=fake.voice_app,
        templates={"red_call": CALL_TEMPLATE},
    )
    return TencentVoice(config, SECRET_ID, SECRET_KEY)


def alert(phone: str = "13812345678", title: str = "防汛红色预警") -> PhoneMessage:
    return PhoneMessage(phone, "red_alert", {"title": title, "minutes": "5"})


async def test_sms_reaches_the_fake_signed_with_the_template(server: FakeTencent) -> None:
    serial = await sms(server).send("u1", alert().to_reply())
    assert serial.startswith("2028:")
    (body,) = server.sends("SendSms")
    assert body["PhoneNumberSet"] == ["+8613812345678"]
    assert body["TemplateId"] == "1000001"
    assert body["TemplateParamSet"] == ["防汛红色预警", "5"]
    assert body["SignName"] == "某县应急办"
    assert body["SmsSdkAppId"] == server.sms_app


async def test_a_wrong_key_fails_the_signature_check_permanently(server: FakeTencent) -> None:
    with pytest.raises(DeliveryError) as caught:
        await sms(server, secret_key="wrong").send("u1", alert().to_reply())
    assert caught.value.permanent
    assert server.refused == ["AuthFailure.SignatureFailure"]


async def test_voice_call_reaches_the_fake(server: FakeTencent) -> None:
    message = PhoneMessage("0571-87654321", "red_call", {"title": "防汛红色预警"})
    call_id = await voice(server).send("u1", message.to_reply())
    assert call_id.startswith("call-")
    (body,) = server.sends("SendTtsVoice")
    assert body["CalledNumber"] == "+8657187654321"
    assert body["TemplateParamSet"] == ["防汛红色预警"]
    assert body["PlayTimes"] == 2


@pytest.mark.parametrize(
    ("code", "permanent", "retry_after", "pause"),
    [
        ("LimitExceeded.PhoneNumberThirtySecondLimit", False, 30.0, False),
        ("LimitExceeded.PhoneNumberOneHourLimit", False, 3600.0, False),
        ("RequestLimitExceeded", False, 1.0, True),
        ("InternalError.Timeout", False, None, False),
        ("InvalidParameterValue.IncorrectPhoneNumber", True, None, False),
        ("FailedOperation.PhoneNumberInBlacklist", True, None, False),
        ("FailedOperation.TemplateIncorrectOrUnapproved", True, None, False),
        ("LimitExceeded.PhoneNumberDailyLimit", True, None, False),
    ],
)
async def test_provider_codes_map_to_retry_or_permanent(
    server: FakeTencent, code: str, permanent: bool, retry_after: float | None, pause: bool
) -> None:
    server.fail("+8613812345678", code)
    with pytest.raises(DeliveryError) as caught:
        await sms(server).send("u1", alert().to_reply())
    assert (caught.value.permanent, caught.value.retry_after) == (permanent, retry_after)
    assert caught.value.pause_platform is pause
    assert code in str(caught.value)


async def test_the_fake_enforces_the_per_number_spacing(server: FakeTencent) -> None:
    adapter = sms(server)
    await adapter.send("u1", alert().to_reply())
    with pytest.raises(DeliveryError) as caught:
        await adapter.send("u1", alert().to_reply())
    assert caught.value.retry_after == 30.0
    assert server.refused == ["LimitExceeded.PhoneNumberThirtySecondLimit"]


async def test_voice_throttle_and_bad_number(server: FakeTencent) -> None:
    server.fail("+8613900001111", "LimitExceeded.DeliveryFrequencyLimit")
    call = voice(server)
    message = PhoneMessage("13900001111", "red_call", {"title": "防汛"})
    with pytest.raises(DeliveryError) as caught:
        await call.send("u1", message.to_reply())
    assert caught.value.retry_after == 60.0 and not caught.value.permanent
    with pytest.raises(DeliveryError) as extension:
        await call.send(
            "u1", PhoneMessage("0571-87654321-8", "red_call", {"title": "x"}).to_reply()
        )
    assert extension.value.permanent and server.sends("SendTtsVoice") == []


@pytest.mark.parametrize(
    "message",
    [
        alert(title="防汛防台风红色预警紧急通知请立即确认"),  # longer than the template allows
        PhoneMessage("13812345678", "red_alert", {"title": "x"}),  # a parameter missing
        PhoneMessage("13812345678", "unknown", {}),  # no such template
        alert(phone="0571-87654321"),  # SMS to a landline
        alert(title="详见 http://x.cn"),  # providers refuse links in parameters
    ],
)
async def test_what_does_not_fit_a_template_is_never_sent(
    server: FakeTencent, message: PhoneMessage
) -> None:
    with pytest.raises(DeliveryError) as caught:
        await sms(server).send("u1", message.to_reply())
    assert caught.value.permanent
    assert server.calls == [] and server.refused == []


def test_missing_credentials_name_the_variable() -> None:
    config = parse_config(
        {
            "platforms": {
                "sms": {
                    "enabled": True,
                    "app_id": "1400000001",
                    "sign_name": "某县应急办",
                    "templates": {"red_alert": {"id": "1", "params": ["title"]}},
                }
            }
        }
    )
    with pytest.raises(ConfigError, match="DUTYBOT_SMS_SECRET_ID"):
        create_sms(config, env={})
    assert create_sms(config, env={"DUTYBOT_SMS_SECRET_ID": "a", "DUTYBOT_SMS_SECRET_KEY": "b"})

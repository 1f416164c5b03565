"""阿里云 SMS and voice through the official SDKs against bot/testing/aliyun.py: the request
reaches the fake signed (ACS3-HMAC-SHA256) with the template's named parameters as JSON, and
each answer maps to sent, retry, pause, uncertain or permanent failure."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bot.adapters.sms import AliyunSms, AliyunVoice, create_sms, create_voice
from bot.adapters.sms.aliyun import domestic
from bot.app import parse_config
from bot.config import ConfigError
from bot.config.platforms import PhoneTemplate, SmsConfig, VoiceConfig
from bot.core.errors import DeliveryError
from bot.core.phone_messages import PhoneMessage
from bot.http.server import HttpServer
from bot.testing.aliyun import KEY_ID, KEY_SECRET, FakeAliyun
from bot.testing.fakes import Fault

SMS_TEMPLATE = PhoneTemplate(id="SMS_460001", params=("level", "title"), max_param_chars=20)
CALL_TEMPLATE = PhoneTemplate(id="TTS_270001", params=("title",), max_param_chars=20)


@pytest.fixture
async def server() -> AsyncIterator[FakeAliyun]:
    async with FakeAliyun() as fake:
        yield fake


def _host(fake: FakeAliyun) -> str:
    return fake.url.removeprefix("http://")


def sms(fake: FakeAliyun, secret: str = KEY_SECRET, timeout: int = 10) -> AliyunSms:
    config = SmsConfig(
        enabled=True,
        provider="aliyun",
        endpoint=_host(fake),
        scheme="http",
        timeout_seconds=timeout,
        sign_name="某县应急办",
        templates={"red_alert": SMS_TEMPLATE},
    )
    return AliyunSms(config, KEY_ID, secret)


def voice(fake: FakeAliyun) -> AliyunVoice:
    config = VoiceConfig(
        enabled=True,
        provider="aliyun",
        endpoint=_host(fake),
        scheme="http",
        templates={"red_call": CALL_TEMPLATE},
    )
    return AliyunVoice(config, KEY_ID, KEY_SECRET)


def alert(phone: str = "13812345678", title: str = "防汛") -> PhoneMessage:
    return PhoneMessage(phone, "red_alert", {"level": "红色", "title": title})


async def test_sms_reaches_the_fake_signed_with_named_parameters(server: FakeAliyun) -> None:
    biz_id = await sms(server).send("u1", alert().to_reply())
    assert biz_id.endswith("^0")
    (query,) = server.sends("SendSms")
    assert query["PhoneNumbers"] == "13812345678"
    assert query["TemplateCode"] == "SMS_460001"
    assert json.loads(query["TemplateParam"]) == {"level": "红色", "title": "防汛"}
    assert query["SignName"] == "某县应急办"
    assert len(server.nonces) == 1


async def test_a_wrong_secret_fails_the_signature_check_permanently(server: FakeAliyun) -> None:
    with pytest.raises(DeliveryError) as caught:
        await sms(server, secret="wrong").send("u1", alert().to_reply())
    assert caught.value.permanent and "AccessKey Secret" in str(caught.value)
    assert server.refused == ["SignatureDoesNotMatch"] and server.calls == []


async def test_voice_call_reaches_the_fake(server: FakeAliyun) -> None:
    message = PhoneMessage("0571-87654321", "red_call", {"title": "防汛红色预警"})
    call_id = await voice(server).send("u1", message.to_reply())
    assert "^" in call_id
    (query,) = server.sends("SingleCallByTts")
    assert query["CalledNumber"] == "057187654321"
    assert json.loads(query["TtsParam"]) == {"title": "防汛红色预警"}
    assert query["PlayTimes"] == "2" and "CalledShowNumber" not in query


@pytest.mark.parametrize(
    ("code", "permanent", "retry_after", "pause"),
    [
        ("isv.BUSINESS_LIMIT_CONTROL", False, 60.0, False),
        ("Throttling.User", False, 1.0, True),
        ("isp.SYSTEM_ERROR", False, None, False),
        ("isv.MOBILE_NUMBER_ILLEGAL", True, None, False),
        ("isv.SMS_TEMPLATE_ILLEGAL", True, None, False),
        ("isv.AMOUNT_NOT_ENOUGH", True, None, False),
        ("isv.DAY_LIMIT_CONTROL", True, None, False),
    ],
)
async def test_provider_codes_map_to_retry_or_permanent(
    server: FakeAliyun, code: str, permanent: bool, retry_after: float | None, pause: bool
) -> None:
    server.fail("13812345678", code)
    with pytest.raises(DeliveryError) as caught:
        await sms(server).send("u1", alert().to_reply())
    error = caught.value
    assert (error.permanent, error.retry_after, error.pause_platform) == (
        permanent,
        retry_after,
        pause,
    )
    assert code in str(error) and not error.uncertain


async def test_account_flow_control_answered_as_http_400_pauses(server: FakeAliyun) -> None:
    server.rate = None
    server.fail_next(Fault(400, {"Code": "Throttling.User", "Message": "flow control"}))
    with pytest.raises(DeliveryError) as caught:
        await sms(server).send("u1", alert().to_reply())
    assert caught.value.pause_platform and caught.value.retry_after == 1.0


async def test_the_fake_enforces_the_per_number_minute(server: FakeAliyun) -> None:
    adapter = sms(server)
    await adapter.send("u1", alert().to_reply())
    with pytest.raises(DeliveryError) as caught:
        await adapter.send("u1", alert().to_reply())
    assert caught.value.retry_after == 60.0
    assert server.refused == ["isv.BUSINESS_LIMIT_CONTROL"]


async def test_a_timeout_is_uncertain_a_refused_connection_is_not(server: FakeAliyun) -> None:
    server.fail_next(Fault(delay=1.5))
    with pytest.raises(DeliveryError) as caught:
        await sms(server, timeout=1).send("u1", alert().to_reply())
    assert caught.value.uncertain and not caught.value.permanent
    await server.stop()  # its port now refuses connections
    with pytest.raises(DeliveryError) as refused:
        await sms(server).send("u1", alert().to_reply())
    assert not refused.value.uncertain and not refused.value.permanent


@pytest.mark.parametrize(
    "message",
    [
        alert(title="防汛防台风红色预警紧急通知请各单位立即到岗确认"),  # too long
        PhoneMessage("13812345678", "red_alert", {"title": "x"}),  # a parameter missing
        PhoneMessage("13812345678", "unknown", {}),  # no such template
        alert(phone="0571-87654321"),  # SMS to a landline
        alert(title="详见 http://x.cn"),  # providers refuse links in parameters
    ],
)
async def test_what_does_not_fit_a_template_is_never_sent(
    server: FakeAliyun, message: PhoneMessage
) -> None:
    with pytest.raises(DeliveryError) as caught:
        await sms(server).send("u1", message.to_reply())
    assert caught.value.permanent
    assert server.calls == [] and server.refused == []


def test_numbers_as_aliyun_takes_them() -> None:
    assert domestic("+8613812345678") == "13812345678"
    assert domestic("+8657187654321") == "057187654321"
    assert domestic("+861012345678") == "01012345678"  # Beijing's 010, not a mobile


def test_provider_aliyun_reads_its_own_variables() -> None:
    section = {
        "enabled": True,
        "provider": "aliyun",
        "templates": {"red_alert": {"id": "SMS_1", "params": ["title"]}},
    }
    sms_section = {**section, "sign_name": "某县应急办"}
    config = parse_config({"platforms": {"sms": sms_section, "voice": section}})
    with pytest.raises(ConfigError, match="DUTYBOT_SMS_ACCESS_KEY_ID"):
        create_sms(config, env={})
    env = {"DUTYBOT_VOICE_ACCESS_KEY_ID": "a", "DUTYBOT_VOICE_ACCESS_KEY_SECRET": "b"}
    assert isinstance(create_voice(config, env=env), AliyunVoice)
    assert config.platforms.sms.host == "dysmsapi.aliyuncs.com"
    assert config.platforms.voice.host == "dyvmsapi.aliyuncs.com"


def test_a_callback_path_needs_the_http_server_and_a_long_token() -> None:
    section = {
        "enabled": True,
        "provider": "aliyun",
        "sign_name": "某县应急办",
        "callback_path": "/sms/up",
        "templates": {"red_alert": {"id": "SMS_1", "params": ["title"]}},
    }
    keys = {"DUTYBOT_SMS_ACCESS_KEY_ID": "a", "DUTYBOT_SMS_ACCESS_KEY_SECRET": "b"}
    off = parse_config({"platforms": {"sms": section}})
    with pytest.raises(ConfigError, match=r"http\.enabled"):
        create_sms(off, HttpServer(), env=keys)
    on = parse_config({"platforms": {"sms": section}, "http": {"enabled": True}})
    with pytest.raises(ConfigError, match="DUTYBOT_SMS_CALLBACK_TOKEN"):
        create_sms(on, HttpServer(), env=keys)
    with pytest.raises(ConfigError, match="至少 16 位"):
        create_sms(on, HttpServer(), env={**keys, "DUTYBOT_SMS_CALLBACK_TOKEN": "short"})
    adapter = create_sms(on, HttpServer(), env={**keys, "DUTYBOT_SMS_CALLBACK_TOKEN": "a" * 16})
    assert adapter.callbacks is not None and adapter.callbacks.path == "/sms/up"

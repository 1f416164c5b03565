"""阿里云 SMS (``SendSms``, Dysmsapi 2017-05-25) and voice notification calls (``SingleCallByTts``,
Dyvmsapi 2017-05-25), through the official SDKs (alibabacloud-dysmsapi20170525 / -dyvmsapi).

The adapter only translates: a row's template message (bot/core/phone_messages.py) becomes one
SDK request — the template's named parameters as the JSON ``TemplateParam`` / ``TtsParam`` —
and the answer a message id (``BizId`` / ``CallId``) or a :class:`DeliveryError` read from
:data:`ALIYUN`. The SDK signs with ACS3-HMAC-SHA256 (alibabacloud-tea-openapi's default) and
has an asyncio client of its own (aiohttp), so no worker thread is needed; it retries nothing
(the outbox does). Its endpoint and scheme come from config, which is how tests reach
bot/testing/aliyun.py.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client as SmsClient
from alibabacloud_dyvmsapi20170525 import models as vms_models
from alibabacloud_dyvmsapi20170525.client import Client as VmsClient
from alibabacloud_tea_openapi import utils_models
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from darabonba.runtime import RuntimeOptions

from bot.adapters.sms.base import PhoneAdapter
from bot.adapters.sms.refusals import NETWORK, RefusalTable
from bot.config.platforms import PhonePlatformConfig, PhoneTemplate, SmsConfig, VoiceConfig
from bot.core import phone_messages

if TYPE_CHECKING:
    from bot.adapters.sms.callbacks import PhoneCallbacks

log = logging.getLogger("dutybot.phone")

ALIYUN = RefusalTable(
    provider="阿里云",
    # 触发号码天级/分钟级流控: one SMS a minute per number (then 5 an hour); one call a minute.
    throttled={"isv.BUSINESS_LIMIT_CONTROL": 60.0},
    # The account's or the API's QPS: every send to the platform waits.
    pause_all={"Throttling.User": 1.0, "Throttling.Api": 1.0, "Throttling": 1.0},
    transient_prefixes=("isp.SYSTEM_ERROR", "InternalError", "ServiceUnavailable"),
    hints={
        "isv.AMOUNT_NOT_ENOUGH": "（账户余额不足，请充值）",
        "isv.DAY_LIMIT_CONTROL": "（该号码今日已达服务商上限）",
        "isv.MOBILE_NUMBER_ILLEGAL": "（号码格式不对，请核对通讯录）",
        "isv.SMS_TEMPLATE_ILLEGAL": "（模板 CODE 未审核通过或不属于本账号）",
        "isv.SMS_SIGNATURE_ILLEGAL": "（签名未审核通过或不属于本账号）",
        "SignatureDoesNotMatch": "（AccessKey Secret 不对）",
        "InvalidAccessKeyId.NotFound": "（AccessKey ID 不存在）",
    },
)
OK = "OK"


def domestic(number: str) -> str:
    """``+8613812345678`` → ``13812345678``; ``+8657187654321`` → ``057187654321`` (阿里云
    takes numbers without the country code, a landline with its leading 0)."""
    digits = number.removeprefix("+86")
    mobile = len(digits) == 11 and digits.startswith("1")  # no area code is 11 digits from 1
    return digits if mobile else "0" + digits


class AliyunPhone(PhoneAdapter):
    """One of the two phone platforms on 阿里云; :class:`AliyunSms` and :class:`AliyunVoice`."""

    def __init__(
        self,
        config: PhonePlatformConfig,
        key_id: str,
        key_secret: str,
        callbacks: PhoneCallbacks | None = None,
    ) -> None:
        super().__init__(config, callbacks)
        milliseconds = config.timeout_seconds * 1000
        self.sdk_config = utils_models.Config(
            access_key_id=key_id,
            access_key_secret=key_secret,
            endpoint=config.host,
            protocol=config.scheme,
            read_timeout=milliseconds,
            connect_timeout=milliseconds,
        )

    async def request(self, template: PhoneTemplate, number: str, params: dict[str, str]) -> str:
        """One signed request; a business refusal comes as ``Code`` in a 200 answer."""
        values = json.dumps({name: params[name] for name in template.params}, ensure_ascii=False)
        try:
            body = await self._call(template.id, domestic(number), values)
        except AlibabaCloudException as exc:
            code, message = str(exc.code), str(exc.message or "")
        except Exception as exc:  # the SDK wraps network failures in its own exception type
            code, message = NETWORK, str(exc)
        else:
            code, message = str(body.code), str(body.message or "")
            if code == OK:
                return self._identity(body)
        log.warning("%s refused: %s", self.platform, code)
        raise ALIYUN.read(code, message)

    async def _call(self, template_id: str, number: str, values: str) -> Any:
        raise NotImplementedError

    def _identity(self, body: Any) -> str:
        raise NotImplementedError


class AliyunSms(AliyunPhone):
    """``platforms.sms`` with ``provider: aliyun``: one SendSms request per row (one number)."""

    platform = phone_messages.SMS

    def __init__(
        self,
        config: SmsConfig,
        key_id: str,
        key_secret: str,
        callbacks: PhoneCallbacks | None = None,
    ) -> None:
        super().__init__(config, key_id, key_secret, callbacks)
        self.sign_name = config.sign_name
        self.client = SmsClient(self.sdk_config)

    async def _call(self, template_id: str, number: str, values: str) -> Any:
        request = sms_models.SendSmsRequest(
            phone_numbers=number,
            sign_name=self.sign_name,
            template_code=template_id,
            template_param=values,
        )
        answer = await self.client.send_sms_with_options_async(request, RuntimeOptions())
        return answer.body

    def _identity(self, body: Any) -> str:
        return str(body.biz_id)


class AliyunVoice(AliyunPhone):
    """``platforms.voice`` with ``provider: aliyun``: one SingleCallByTts call per row."""

    platform = phone_messages.VOICE

    def __init__(
        self,
        config: VoiceConfig,
        key_id: str,
        key_secret: str,
        callbacks: PhoneCallbacks | None = None,
    ) -> None:
        super().__init__(config, key_id, key_secret, callbacks)
        self.play_times = config.play_times
        self.show_number = config.show_number or None
        self.client = VmsClient(self.sdk_config)

    async def _call(self, template_id: str, number: str, values: str) -> Any:
        request = vms_models.SingleCallByTtsRequest(
            called_number=number,
            called_show_number=self.show_number,
            tts_code=template_id,
            tts_param=values,
            play_times=self.play_times,
        )
        answer = await self.client.single_call_by_tts_with_options_async(request, RuntimeOptions())
        return answer.body

    def _identity(self, body: Any) -> str:
        return str(body.call_id)

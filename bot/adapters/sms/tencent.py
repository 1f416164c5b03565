"""腾讯云 SMS (``SendSms``) and voice notification calls (VMS ``SendTtsVoice``), through the
official SDK (tencentcloud-sdk-python-sms / -vms).

The adapter only translates: a row's template message (bot/core/phone_messages.py) becomes one
SDK request, and the provider's answer a message id or a :class:`DeliveryError` the sender acts
on. The SDK is synchronous, so each request runs on a worker thread. Its endpoint and scheme
come from config (``platforms.sms.endpoint``), which is how tests reach bot/testing/tencent.py.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models as sms_models
from tencentcloud.sms.v20210111.sms_client import SmsClient
from tencentcloud.vms.v20200902 import models as vms_models
from tencentcloud.vms.v20200902.vms_client import VmsClient

from bot.config.platforms import PhonePlatformConfig, SmsConfig, VoiceConfig
from bot.core import phone_messages
from bot.core.errors import DeliveryError
from bot.core.messages import Reply
from bot.core.phone_messages import PhoneMessage

if TYPE_CHECKING:
    from bot.core.dispatcher import Dispatcher

log = logging.getLogger("dutybot.phone")

#: Per-number and per-account frequency limits: the send may go later (seconds to wait).
THROTTLED = {
    "LimitExceeded.PhoneNumberThirtySecondLimit": 30.0,
    "LimitExceeded.DeliveryFrequencyLimit": 60.0,
    "LimitExceeded.PhoneNumberOneHourLimit": 3600.0,
}
#: The whole account is asked to slow down: every send to the platform waits.
PAUSE_ALL = {"RequestLimitExceeded": 1.0, "RequestLimitExceeded.GlobalRegionUinLimit": 1.0}
#: The provider's side failed: try again with backoff.
TRANSIENT_PREFIXES = ("InternalError", "ServerNetworkError", "FailedOperation.AccessUpstream")


def refusal(code: str, message: str) -> DeliveryError:
    """The sender's reading of a 腾讯云 error code (retry, wait, or permanent)."""
    text = f"腾讯云拒绝 {code}"
    if code in THROTTLED:
        return DeliveryError(f"{text}（频率限制，稍后重试）", retry_after=THROTTLED[code])
    if code in PAUSE_ALL:
        return DeliveryError(text, retry_after=PAUSE_ALL[code], pause_platform=True)
    if code.startswith(TRANSIENT_PREFIXES):
        return DeliveryError(f"{text}（服务商暂时故障）")
    if code == "ClientNetworkError":
        # The request may have reached 腾讯云 (a read timeout): an at-most-once row is not resent.
        timed_out = "timed out" in message.lower() or "timeout" in message.lower()
        return DeliveryError("腾讯云接口连接失败", uncertain=timed_out)
    hint = "（核对号码、模板与签名配置）"
    return DeliveryError(f"{text}：{message[:80]}{hint}", permanent=True)


class TencentPhone:
    """One of the two phone platforms on 腾讯云; :class:`TencentSms` and :class:`TencentVoice`."""

    platform = ""

    def __init__(self, config: PhonePlatformConfig, secret_id: str, secret_key: str) -> None:
        self.config = config
        http = HttpProfile(
            protocol=config.scheme, endpoint=config.endpoint, reqTimeout=config.timeout_seconds
        )
        self.profile = ClientProfile(httpProfile=http)
        self.credential = Credential(secret_id, secret_key)

    def is_group(self, address: str) -> bool:
        """A phone is one person."""
        return False

    async def start(self, dispatcher: Dispatcher) -> None:
        """Nothing is received (replies and key presses are not reported here)."""

    async def stop(self) -> None:
        """No connection is kept between requests."""

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        """Send the row's template message; returns the provider's serial number or call id."""
        try:
            message = PhoneMessage.from_reply(reply)
            number = phone_messages.e164(message.phone, self.platform)
        except ValueError as exc:
            raise DeliveryError(str(exc), permanent=True) from None
        template = self.config.templates.get(message.template)
        if template is None:
            raise DeliveryError(
                f"platforms.{self.platform}.templates 中没有模板「{message.template}」",
                permanent=True,
            )
        if problem := template.misfit(message.params):
            raise DeliveryError(f"不符合模板「{message.template}」：{problem}", permanent=True)
        values = template.ordered(message.params)
        try:
            return await asyncio.to_thread(self._request, template.id, number, values)
        except TencentCloudSDKException as exc:
            log.warning("%s refused: %s", self.platform, exc.get_code())
            raise refusal(str(exc.get_code()), str(exc.get_message() or "")) from None

    def _request(self, template_id: str, number: str, values: list[str]) -> str:
        raise NotImplementedError


class TencentSms(TencentPhone):
    """``platforms.sms``: one SendSms request per row (one number)."""

    platform = phone_messages.SMS

    def __init__(self, config: SmsConfig, secret_id: str, secret_key: str) -> None:
        super().__init__(config, secret_id, secret_key)
        self.sign_name = config.sign_name
        self.client = SmsClient(self.credential, config.region, self.profile)

    def _request(self, template_id: str, number: str, values: list[str]) -> str:
        request = sms_models.SendSmsRequest()
        request.SmsSdkAppId = self.config.app_id
        request.SignName = self.sign_name
        request.TemplateId = template_id
        request.TemplateParamSet = values
        request.PhoneNumberSet = [number]
        answer: Any = self.client.SendSms(request)
        status = answer.SendStatusSet[0]
        if status.Code != "Ok":  # a per-number refusal comes inside a successful answer
            raise TencentCloudSDKException(status.Code, status.Message, answer.RequestId)
        return str(status.SerialNo)


class TencentVoice(TencentPhone):
    """``platforms.voice``: one SendTtsVoice call per row, the template read out."""

    platform = phone_messages.VOICE

    def __init__(self, config: VoiceConfig, secret_id: str, secret_key: str) -> None:
        super().__init__(config, secret_id, secret_key)
        self.play_times = config.play_times
        self.client = VmsClient(self.credential, config.region, self.profile)

    def _request(self, template_id: str, number: str, values: list[str]) -> str:
        request = vms_models.SendTtsVoiceRequest()
        request.TemplateId = template_id
        request.TemplateParamSet = values
        request.CalledNumber = number
        request.VoiceSdkAppid = self.config.app_id
        request.PlayTimes = self.play_times
        answer: Any = self.client.SendTtsVoice(request)
        return str(answer.SendStatus.CallId)

"""腾讯云 SMS (``SendSms``) and voice notification calls (VMS ``SendTtsVoice``), through the
official SDK (tencentcloud-sdk-python-sms / -vms).

The adapter only translates: a row's template message (bot/core/phone_messages.py) becomes one
SDK request, and the provider's answer a message id or a :class:`DeliveryError` the sender acts
on. The SDK is synchronous, so each request runs on a worker thread. Its endpoint and scheme
come from config (``platforms.sms.endpoint``), which is how tests reach bot/testing/tencent.py.
Replies and key presses come in through bot/adapters/sms/callbacks.py.
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

from bot.adapters.sms.base import PhoneAdapter
from bot.adapters.sms.refusals import RefusalTable
from bot.config.platforms import PhonePlatformConfig, PhoneTemplate, SmsConfig, VoiceConfig
from bot.core import phone_messages
from bot.core.errors import DeliveryError

if TYPE_CHECKING:
    from bot.adapters.sms.callbacks import PhoneCallbacks

log = logging.getLogger("dutybot.phone")

TENCENT = RefusalTable(
    provider="腾讯云",
    # Per-number and per-account frequency limits: the send may go later (seconds to wait).
    throttled={
        "LimitExceeded.PhoneNumberThirtySecondLimit": 30.0,
        "LimitExceeded.DeliveryFrequencyLimit": 60.0,
        "LimitExceeded.PhoneNumberOneHourLimit": 3600.0,
    },
    # The whole account is asked to slow down: every send to the platform waits.
    pause_all={"RequestLimitExceeded": 1.0, "RequestLimitExceeded.GlobalRegionUinLimit": 1.0},
    transient_prefixes=("InternalError", "ServerNetworkError", "FailedOperation.AccessUpstream"),
)


def refusal(code: str, message: str) -> DeliveryError:
    """The sender's reading of a 腾讯云 error code (retry, wait, or permanent)."""
    return TENCENT.read(code, message)


class TencentPhone(PhoneAdapter):
    """One of the two phone platforms on 腾讯云; :class:`TencentSms` and :class:`TencentVoice`."""

    def __init__(
        self,
        config: PhonePlatformConfig,
        secret_id: str,
        secret_key: str,
        callbacks: PhoneCallbacks | None = None,
    ) -> None:
        super().__init__(config, callbacks)
        http = HttpProfile(
            protocol=config.scheme, endpoint=config.host, reqTimeout=config.timeout_seconds
        )
        self.profile = ClientProfile(httpProfile=http)
        self.credential = Credential(secret_id, secret_key)

    async def request(self, template: PhoneTemplate, number: str, params: dict[str, str]) -> str:
        """One SDK request on a worker thread (the SDK is synchronous)."""
        values = template.ordered(params)
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

    def __init__(
        self,
        config: SmsConfig,
        secret_id: str,
        secret_key: str,
        callbacks: PhoneCallbacks | None = None,
    ) -> None:
        super().__init__(config, secret_id, secret_key, callbacks)
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

    def __init__(
        self,
        config: VoiceConfig,
        secret_id: str,
        secret_key: str,
        callbacks: PhoneCallbacks | None = None,
    ) -> None:
        super().__init__(config, secret_id, secret_key, callbacks)
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

"""Configuration of the phone platforms: SMS and voice notification calls (issue 18).

Providers only send templates approved beforehand (模板), so every message names a template of
this section and fills its parameters; :meth:`PhoneTemplate.misfit` says why values do not fit
one (and then nothing is sent). Credentials are read from the environment, never from here.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field

from bot.config.base import PositiveInt, Section
from bot.config.platform_base import PlatformConfig, RateLimit

_URL = re.compile(r"https?://|www\.", re.IGNORECASE)


class PhoneTemplate(Section):
    """One approved template: its id at the provider and its parameters, in order.

    Attributes:
        id: The provider's template ID (腾讯云 模板 ID; 阿里云 模板 CODE).
        params: The parameter names the template was approved with, in the template's order.
        max_param_chars: Longest value one parameter may take (腾讯云: 12 for a 个人认证
            account's 通知 templates, more after 企业认证; set what the provider granted).
    """

    id: Annotated[str, Field(min_length=1, max_length=40)]
    params: tuple[str, ...] = ()
    max_param_chars: Annotated[int, Field(ge=1, le=100)] = 12

    def misfit(self, values: dict[str, str]) -> str | None:
        """Why ``values`` cannot fill this template (Chinese), or None when they fit."""
        if set(values) != set(self.params):
            wanted, got = "、".join(self.params) or "无", "、".join(values) or "无"
            return f"模板参数应为 {wanted}，收到 {got}"
        for name in self.params:
            value = values[name]
            if not value.strip():
                return f"模板参数「{name}」为空"
            if len(value) > self.max_param_chars:
                limit = self.max_param_chars
                return f"模板参数「{name}」有 {len(value)} 字，超过模板允许的 {limit} 字"
            if _URL.search(value):
                return f"模板参数「{name}」含网址，短信服务商不允许"
        return None

    def ordered(self, values: dict[str, str]) -> list[str]:
        """The values in the template's order (what the provider's parameter set takes)."""
        return [values[name] for name in self.params]


class PhonePlatformConfig(PlatformConfig):
    """What SMS and voice share: the provider, where its API is, and the templates."""

    provider: Literal["tencent"] = "tencent"
    region: str = "ap-guangzhou"
    # The provider's API host; tests point it at bot/testing/tencent.py with scheme http.
    endpoint: Annotated[str, Field(pattern=r"^[A-Za-z0-9.-]+(:[0-9]{1,5})?$")] = ""
    scheme: Literal["https", "http"] = "https"
    timeout_seconds: PositiveInt = 10
    app_id: str = ""  # SmsSdkAppId / VoiceSdkAppid
    templates: dict[str, PhoneTemplate] = {}


class SmsConfig(PhonePlatformConfig):
    """短信 through 腾讯云 SMS (``SendSms``, API 2021-01-11)."""

    endpoint: Annotated[str, Field(pattern=r"^[A-Za-z0-9.-]+(:[0-9]{1,5})?$")] = (
        "sms.tencentcloudapi.com"
    )
    sign_name: str = ""  # the approved 签名
    # 腾讯云's default per-number frequency limit: one SMS per 30 s (then 5 an hour, 10 a day).
    rate_limit: RateLimit | None = RateLimit(
        overall_per_second=20, per_chat_per_second=1 / 30, per_group_per_minute=1
    )


class VoiceConfig(PhonePlatformConfig):
    """语音通知 calls through 腾讯云 VMS (``SendTtsVoice``, API 2020-09-02)."""

    endpoint: Annotated[str, Field(pattern=r"^[A-Za-z0-9.-]+(:[0-9]{1,5})?$")] = (
        "vms.tencentcloudapi.com"
    )
    play_times: Annotated[int, Field(ge=1, le=3)] = 2
    rate_limit: RateLimit | None = RateLimit(
        overall_per_second=20, per_chat_per_second=1 / 60, per_group_per_minute=1
    )

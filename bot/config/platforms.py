"""Configuration sections of the platforms: rate limits, Telegram, WeCom, DingTalk, Feishu, SMS and
voice calls (templates only: providers send approved 模板, :meth:`PhoneTemplate.misfit` says why
values do not fit one), and the outside systems the ``webhook`` platform posts to."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from bot.config.addresses import check_base, check_url
from bot.config.base import EnvSuffix, PositiveFloat, PositiveInt, Section

_URL = re.compile(r"https?://|www\.", re.IGNORECASE)

#: Where a URL may point: ``scheme://host[:port]``, nothing after it.
Origin = Annotated[str, Field(pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")]


class RateLimit(Section):
    """Send limits of one lane class (a platform's app or bot, or its webhook robots).

    ``overall_per_second`` None: no platform-wide limit (webhook robots are independent of each
    other and of the app; only each robot's own limit applies).
    """

    overall_per_second: PositiveFloat | None = 30
    per_chat_per_second: PositiveFloat = 1
    per_group_per_minute: PositiveFloat = 20
    # The provider refuses a request over overall_per_second arriving within any one second
    # (腾讯云 RequestLimitExceeded): a request then counts from its start to a second after its
    # answer, so late wake-ups cannot bunch arrivals (bot/delivery/limits.py).
    strict_second: bool = False


#: Webhook robots (``<platform>:robot:<name>``): 20 messages a minute each, published by WeCom
#: and DingTalk (docs/platforms.md); no limit across robots is published.
ROBOT_LIMIT = RateLimit(overall_per_second=None, per_chat_per_second=1, per_group_per_minute=20)


class PlatformConfig(Section):
    enabled: bool = False
    rate_limit: RateLimit | None = RateLimit()


class TelegramConfig(PlatformConfig):
    driver: Literal["ptb", "aiogram"] = "ptb"
    base_url: str = "https://api.telegram.org"
    mode: Literal["polling", "webhook"] = "polling"
    webhook_path: Annotated[str, Field(pattern=r"^/[A-Za-z0-9/_-]*$")] = "/telegram/webhook"
    poll_timeout_seconds: Annotated[int, Field(ge=1, le=50)] = 30
    request_timeout_seconds: PositiveFloat = 15.0
    retry_seconds: PositiveFloat = 5.0
    # Instances on one PostgreSQL database: how often a non-polling one tries the polling lock
    # (take-over within 10 s of the holder's death, docs/deploy.md).
    leader_retry_seconds: Annotated[float, Field(gt=0, le=8)] = 3.0
    # No instance has had a getUpdates answer this long (a long poll answers within
    # poll_timeout_seconds): the auditor tells the admins that polling is silent.
    poll_silent_seconds: PositiveFloat = 180.0
    register_commands: bool = True


class WebhookPlatformConfig(PlatformConfig):
    """What WeCom, DingTalk and Feishu share: API bases, callback path, named group robots.

    ``robots`` maps a robot name (the address ``<platform>:robot:<name>``) to an environment
    suffix: the robot's key or token comes from ``DUTYBOT_<PLATFORM>_ROBOT_<SUFFIX>…``.
    """

    # Tests only: API bases (and DingTalk's webhook origins) may be plain http, for local fakes.
    allow_plain_http: bool = False
    callback_path: str = "/"
    robots: dict[str, EnvSuffix] = {}
    # Robots are paced apart from the app: their own lanes, slots and limits (bot/delivery).
    robot_rate_limit: RateLimit | None = ROBOT_LIMIT
    timeout_seconds: PositiveFloat = 10.0
    # Callbacks are a few KB; a longer body is refused (413) before it is read in full.
    max_body_kb: Annotated[int, Field(ge=16, le=2048)] = 256

    @field_validator("api_base", "oapi_base", check_fields=False)
    @classmethod
    def _platform_host(cls, value: str, info: ValidationInfo) -> str:
        """The public cloud by default; 政务微信 / 专有钉钉 / 浙政钉 on hosts of their own."""
        return check_base(value, allow_http=bool(info.data.get("allow_plain_http")))


class WeComConfig(WebhookPlatformConfig):
    """企业微信 self-built app (应用) and group robots (消息推送)."""

    api_base: str = "https://qyapi.weixin.qq.com"
    agent_id: int | None = None
    callback_path: str = "/wecom/callback"
    template_cards: bool = True
    # A row sent again after an attempt that may have delivered it asks WeCom to drop a copy
    # sent since it was queued, this far back at most (0: off; bot/adapters/wecom/outbound.py).
    duplicate_check_seconds: Annotated[int, Field(ge=0, le=14400)] = 14400
    # WeCom states no window; it is assumed to retry within seconds, as WeChat does (5 s timeout,
    # 3 retries: docs/platforms.md §WeCom not verified here).
    callback_window_seconds: Annotated[int, Field(ge=60, le=3600)] = 300


class DingTalkConfig(WebhookPlatformConfig):
    """钉钉 enterprise-internal app robot and custom (webhook) robots."""

    api_base: str = "https://api.dingtalk.com"
    oapi_base: str = "https://oapi.dingtalk.com"
    robot_code: str = ""
    mode: Literal["http", "stream"] = "http"
    callback_path: str = "/dingtalk/callback"
    session_webhook_margin_seconds: Annotated[int, Field(ge=0, le=3600)] = 300
    # A callback's body is not signed, so its sessionWebhook is used only on these origins
    # (scheme://host[:port]); other replies go through the OpenAPI.
    session_webhook_origins: tuple[Origin, ...] = ("https://oapi.dingtalk.com",)

    @field_validator("session_webhook_origins")
    @classmethod
    def _origins(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        allow = bool(info.data.get("allow_plain_http"))
        return tuple(check_base(origin, allow_http=allow, path=False) for origin in value)


class FeishuConfig(WebhookPlatformConfig):
    """飞书 self-built app bot and custom bots."""

    api_base: str = "https://open.feishu.cn"
    callback_path: str = "/feishu/events"
    # Feishu re-sends a failed event after 15 s, 5 min, 1 h and 6 h
    # (docs/platforms.md §Feishu events); whether a re-send is signed afresh is unknown: an hour
    # keeps the first two.
    callback_window_seconds: Annotated[int, Field(ge=60, le=3600)] = 3600


class ConsoleConfig(PlatformConfig):
    enabled: bool = True
    rate_limit: RateLimit | None = None
    files_dir: str = ""  # where sent files are written; empty: <data_dir>/files


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


#: A provider's API host (``host[:port]``); tests point it at a local fake with scheme http.
Host = Annotated[str, Field(pattern=r"^([A-Za-z0-9.-]+(:[0-9]{1,5})?)?$")]
#: The public hosts of each platform's API by provider, used when ``endpoint`` is empty.
PROVIDER_HOSTS = {
    ("sms", "tencent"): "sms.tencentcloudapi.com",
    ("voice", "tencent"): "vms.tencentcloudapi.com",
    ("sms", "aliyun"): "dysmsapi.aliyuncs.com",
    ("voice", "aliyun"): "dyvmsapi.aliyuncs.com",
}


class PhonePlatformConfig(PlatformConfig):
    """What SMS and voice share: the provider, where its API is, the templates, and where the
    provider pushes replies and key presses (``callback_path``; empty: not received).

    The pushes are not signed by either provider: the URL ends in a secret token
    (``DUTYBOT_SMS_CALLBACK_TOKEN`` / ``DUTYBOT_VOICE_CALLBACK_TOKEN``), docs/platforms.md.
    """

    provider: Literal["tencent", "aliyun"] = "tencent"
    region: str = "ap-guangzhou"  # 腾讯云; 阿里云 takes ``cn-hangzhou``
    endpoint: Host = ""  # empty: the provider's public host (PROVIDER_HOSTS)
    scheme: Literal["https", "http"] = "https"
    timeout_seconds: PositiveInt = 10
    app_id: str = ""  # 腾讯云 SmsSdkAppId / VoiceSdkAppid (阿里云 has none)
    templates: dict[str, PhoneTemplate] = {}
    callback_path: Annotated[str, Field(pattern=r"^(/[A-Za-z0-9/_-]*)?$")] = ""
    # A push older than this (its own send time) is dropped: 阿里云 re-pushes after 1, 5 and
    # 10 minutes, so the window keeps the last re-push.
    callback_window_seconds: Annotated[int, Field(ge=60, le=86400)] = 1800
    max_body_kb: Annotated[int, Field(ge=4, le=1024)] = 64

    @property
    def host(self) -> str:
        """The API host requests go to."""
        kind = "voice" if isinstance(self, VoiceConfig) else "sms"
        return self.endpoint or PROVIDER_HOSTS[(kind, self.provider)]


class SmsConfig(PhonePlatformConfig):
    """短信 through 腾讯云 SMS (``SendSms``, 2021-01-11) or 阿里云 (``SendSms``, 2017-05-25)."""

    sign_name: str = ""  # the approved 签名
    # 腾讯云's default per-number frequency limit: one SMS per 30 s (then 5 an hour, 10 a day);
    # 阿里云's is one a minute (set per_chat_per_second: 0.0167 there).
    rate_limit: RateLimit | None = RateLimit(
        overall_per_second=20,
        per_chat_per_second=1 / 30,
        per_group_per_minute=1,
        strict_second=True,
    )


class VoiceConfig(PhonePlatformConfig):
    """语音通知 calls through 腾讯云 VMS (``SendTtsVoice``, API 2020-09-02) or 阿里云 语音服务
    (``SingleCallByTts``, 2017-05-25)."""

    play_times: Annotated[int, Field(ge=1, le=3)] = 2
    # 阿里云: the 被叫显示号 bought for a 专属号码 template; empty for a 公共模式 template.
    show_number: str = ""
    rate_limit: RateLimit | None = RateLimit(
        overall_per_second=20,
        per_chat_per_second=1 / 60,
        per_group_per_minute=1,
        strict_second=True,
    )


class PlatformsConfig(Section):
    console: ConsoleConfig = ConsoleConfig()
    telegram: TelegramConfig = TelegramConfig()
    wecom: WeComConfig = WeComConfig()
    dingtalk: DingTalkConfig = DingTalkConfig()
    feishu: FeishuConfig = FeishuConfig()
    sms: SmsConfig = SmsConfig()
    voice: VoiceConfig = VoiceConfig()


class WebhookTarget(Section):
    """An outside system the ``webhook`` platform posts to, set in the section of the feature
    whose events it receives (``tickets.webhook``: the 12345 platform's receiving address).

    The URL must be https, without credentials, and not point at a loopback, link-local,
    private or reserved address (bot/config/addresses.py) unless allowed here: a receiver on
    the 政务外网 needs ``allow_private_targets: true`` (and ``allow_plain_http: true`` if it
    has no TLS). The HMAC-SHA256 signing key is read from the environment, never from here.
    """

    # Before ``url``: its check reads them.
    allow_private_targets: bool = False
    allow_plain_http: bool = False
    url: str | None = None
    timeout_seconds: PositiveFloat = 10.0

    @field_validator("url")
    @classmethod
    def _outside_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        return check_url(
            value,
            allow_private=bool(info.data.get("allow_private_targets")),
            allow_http=bool(info.data.get("allow_plain_http")),
        )

"""SMS and voice notification calls (issue 18): construction from config and the environment.

Credentials, by ``platforms.<sms|voice>.provider``:

- ``tencent``: ``DUTYBOT_SMS_SECRET_ID`` / ``DUTYBOT_SMS_SECRET_KEY`` (and ``DUTYBOT_VOICE_…``),
  a 腾讯云 CAM key allowed ``sms:SendSms`` / ``vms:SendTtsVoice``.
- ``aliyun``: ``DUTYBOT_SMS_ACCESS_KEY_ID`` / ``DUTYBOT_SMS_ACCESS_KEY_SECRET`` (and
  ``DUTYBOT_VOICE_…``), a RAM user's AccessKey allowed ``dysms:SendSms`` /
  ``dyvms:SingleCallByTts``.

With ``callback_path`` set, replies (SMS) or key presses (voice) are received on the HTTP
server at ``<callback_path>/<DUTYBOT_<PLATFORM>_CALLBACK_TOKEN>`` (bot/adapters/sms/callbacks.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.adapters.common.secrets import Secrets
from bot.adapters.sms.aliyun import AliyunSms, AliyunVoice
from bot.adapters.sms.base import PhoneAdapter
from bot.adapters.sms.callbacks import MIN_TOKEN, PhoneCallbacks
from bot.adapters.sms.tencent import TencentSms, TencentVoice
from bot.config import Config, ConfigError
from bot.config.platforms import PhonePlatformConfig
from bot.core.clock import Clock, SystemClock

if TYPE_CHECKING:
    from bot.http.server import HttpServer

__all__ = [
    "AliyunSms",
    "AliyunVoice",
    "PhoneCallbacks",
    "TencentSms",
    "TencentVoice",
    "create_sms",
    "create_voice",
]


def _checked(platform: str, section: PhonePlatformConfig, env: dict[str, str] | None) -> Secrets:
    if section.provider == "tencent" and not section.app_id:
        raise ConfigError(f"platforms.{platform}.app_id：请填写腾讯云控制台中应用的 SdkAppId")
    if not section.templates:
        raise ConfigError(
            f"platforms.{platform}.templates：至少配置一个已审核通过的模板（ID 与参数名）"
        )
    return Secrets(platform, env)


def _keys(section: PhonePlatformConfig, secrets: Secrets) -> tuple[str, str]:
    if section.provider == "aliyun":
        return (
            secrets.require("ACCESS_KEY_ID", "阿里云 AccessKey ID"),
            secrets.require("ACCESS_KEY_SECRET", "阿里云 AccessKey Secret"),
        )
    return (
        secrets.require("SECRET_ID", "腾讯云 API 密钥 SecretId"),
        secrets.require("SECRET_KEY", "腾讯云 API 密钥 SecretKey"),
    )


def _callbacks(
    platform: str,
    config: Config,
    secrets: Secrets,
    http: HttpServer | None,
    clock: Clock | None,
) -> PhoneCallbacks | None:
    section: PhonePlatformConfig = getattr(config.platforms, platform)
    if not section.callback_path:
        return None
    if http is None or not config.http.enabled:
        raise ConfigError(
            f"platforms.{platform}.callback_path 需要接收推送：请设置 http.enabled: true，"
            "或删除 callback_path"
        )
    token = secrets.require("CALLBACK_TOKEN", f"推送地址末段的密钥，至少 {MIN_TOKEN} 位字母或数字")
    try:
        return PhoneCallbacks(platform, section, http, token, clock or SystemClock())
    except ValueError as exc:
        raise ConfigError(f"DUTYBOT_{platform.upper()}_CALLBACK_TOKEN：{exc}") from None


def create_sms(
    config: Config,
    http: HttpServer | None = None,
    env: dict[str, str] | None = None,
    clock: Clock | None = None,
) -> PhoneAdapter:
    """The ``sms`` platform; a ConfigError names the missing setting or variable."""
    section = config.platforms.sms
    secrets = _checked("sms", section, env)
    if not section.sign_name:
        raise ConfigError("platforms.sms.sign_name：请填写已审核通过的短信签名")
    key_id, key_secret = _keys(section, secrets)
    callbacks = _callbacks("sms", config, secrets, http, clock)
    if section.provider == "aliyun":
        return AliyunSms(section, key_id, key_secret, callbacks)
    return TencentSms(section, key_id, key_secret, callbacks)


def create_voice(
    config: Config,
    http: HttpServer | None = None,
    env: dict[str, str] | None = None,
    clock: Clock | None = None,
) -> PhoneAdapter:
    """The ``voice`` platform; a ConfigError names the missing setting or variable."""
    section = config.platforms.voice
    secrets = _checked("voice", section, env)
    key_id, key_secret = _keys(section, secrets)
    callbacks = _callbacks("voice", config, secrets, http, clock)
    if section.provider == "aliyun":
        return AliyunVoice(section, key_id, key_secret, callbacks)
    return TencentVoice(section, key_id, key_secret, callbacks)

"""SMS and voice notification calls (issue 18): construction from config and the environment.

Credentials: ``DUTYBOT_SMS_SECRET_ID`` / ``DUTYBOT_SMS_SECRET_KEY`` and ``DUTYBOT_VOICE_…``
(a 腾讯云 CAM key allowed ``sms:SendSms`` / ``vms:SendTtsVoice``).
"""

from __future__ import annotations

from bot.adapters.common.secrets import Secrets
from bot.adapters.sms.tencent import TencentSms, TencentVoice
from bot.config import Config, ConfigError
from bot.config.platforms import PhonePlatformConfig

__all__ = ["TencentSms", "TencentVoice", "create_sms", "create_voice"]


def _checked(platform: str, section: PhonePlatformConfig, env: dict[str, str] | None) -> Secrets:
    if not section.app_id:
        raise ConfigError(f"platforms.{platform}.app_id：请填写腾讯云控制台中应用的 SdkAppId")
    if not section.templates:
        raise ConfigError(
            f"platforms.{platform}.templates：至少配置一个已审核通过的模板（ID 与参数名）"
        )
    return Secrets(platform, env)


def create_sms(config: Config, env: dict[str, str] | None = None) -> TencentSms:
    """The ``sms`` platform; a ConfigError names the missing setting or variable."""
    section = config.platforms.sms
    secrets = _checked("sms", section, env)
    if not section.sign_name:
        raise ConfigError("platforms.sms.sign_name：请填写已审核通过的短信签名")
    return TencentSms(
        section,
        secrets.require("SECRET_ID", "腾讯云 API 密钥 SecretId"),
        secrets.require("SECRET_KEY", "腾讯云 API 密钥 SecretKey"),
    )


def create_voice(config: Config, env: dict[str, str] | None = None) -> TencentVoice:
    """The ``voice`` platform; a ConfigError names the missing setting or variable."""
    section = config.platforms.voice
    secrets = _checked("voice", section, env)
    return TencentVoice(
        section,
        secrets.require("SECRET_ID", "腾讯云 API 密钥 SecretId"),
        secrets.require("SECRET_KEY", "腾讯云 API 密钥 SecretKey"),
    )

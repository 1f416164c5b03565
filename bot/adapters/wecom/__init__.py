"""WeCom (企业微信) adapter: construction from config and DUTYBOT_WECOM_* variables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.adapters.common.secrets import Secrets
from bot.adapters.wecom.adapter import WeComAdapter
from bot.adapters.wecom.crypto import WeComCrypto, WeComCryptoError
from bot.config import Config, ConfigError
from bot.core.clock import Clock

if TYPE_CHECKING:
    from bot.http.server import HttpServer

__all__ = ["WeComAdapter", "create_adapter"]


def create_adapter(
    config: Config,
    http: HttpServer | None,
    env: dict[str, str] | None = None,
    clock: Clock | None = None,
) -> WeComAdapter:
    """Build the adapter; ``clock`` gives "now" (the system clock by default). A ConfigError
    names whatever setting or variable is missing."""
    section = config.platforms.wecom
    if http is None or not config.http.enabled:
        raise ConfigError("platforms.wecom 需要接收回调：请设置 http.enabled: true 并配置端口")
    if section.agent_id is None:
        raise ConfigError("platforms.wecom.agent_id：请填写应用的 AgentId（应用管理 → 应用详情）")
    secrets = Secrets("wecom", env)
    corp_id = secrets.require("CORP_ID", "企业 ID，我的企业 → 企业信息")
    try:
        crypto = WeComCrypto(
            secrets.require("TOKEN", "应用「接收消息」的 Token"),
            secrets.require("AES_KEY", "应用「接收消息」的 EncodingAESKey"),
            corp_id,
        )
    except WeComCryptoError as exc:
        raise ConfigError(f"DUTYBOT_WECOM_AES_KEY：{exc}") from None
    return WeComAdapter(
        section,
        http,
        corp_id=corp_id,
        secret=secrets.require("SECRET", "应用的 Secret"),
        crypto=crypto,
        robot_keys={
            name: parts[""]
            for name, parts in secrets.robots(section.robots, {"": "webhook key"}).items()
        },
        clock=clock,
    )

"""Feishu (飞书) adapter: construction from config and DUTYBOT_FEISHU_* variables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.adapters.common.secrets import Secrets
from bot.adapters.feishu.adapter import FeishuAdapter
from bot.config import Config, ConfigError
from bot.core.clock import Clock

if TYPE_CHECKING:
    from bot.http.server import HttpServer

__all__ = ["FeishuAdapter", "create_adapter"]


def create_adapter(
    config: Config,
    http: HttpServer | None,
    env: dict[str, str] | None = None,
    clock: Clock | None = None,
) -> FeishuAdapter:
    """Build the adapter; ``clock`` gives "now" (the system clock by default). A ConfigError
    names whatever setting or variable is missing."""
    section = config.platforms.feishu
    if http is None or not config.http.enabled:
        raise ConfigError("platforms.feishu 需要接收事件：请设置 http.enabled: true 并配置端口")
    secrets = Secrets("feishu", env)
    return FeishuAdapter(
        section,
        http,
        app_id=secrets.require("APP_ID", "凭证与基础信息 → App ID"),
        app_secret=secrets.require("APP_SECRET", "凭证与基础信息 → App Secret"),
        verification_token=secrets.require(
            "VERIFICATION_TOKEN", "事件与回调 → 加密策略 → Verification Token"
        ),
        # Feishu signs events with the Encrypt Key, and unsigned events are refused.
        encrypt_key=secrets.require(
            "ENCRYPT_KEY", "事件与回调 → 加密策略 → Encrypt Key，事件签名必需"
        ),
        robots=secrets.robots(
            section.robots, {"_HOOK": "webhook 地址末尾的 ID", "_SECRET": "签名密钥"}
        ),
        clock=clock,
    )

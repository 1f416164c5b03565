"""DingTalk (钉钉) adapter: construction from config and DUTYBOT_DINGTALK_* variables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.adapters.common.secrets import Secrets
from bot.adapters.dingtalk.adapter import DingTalkAdapter
from bot.config import Config, ConfigError
from bot.core.clock import Clock

if TYPE_CHECKING:
    from bot.http.server import HttpServer

__all__ = ["DingTalkAdapter", "create_adapter"]


def create_adapter(
    config: Config,
    http: HttpServer | None,
    env: dict[str, str] | None = None,
    clock: Clock | None = None,
) -> DingTalkAdapter:
    """Build the adapter; ``clock`` gives "now" (the system clock by default). A ConfigError
    names whatever setting or variable is missing."""
    section = config.platforms.dingtalk
    if section.mode == "http" and (http is None or not config.http.enabled):
        raise ConfigError(
            "platforms.dingtalk 需要接收回调：请设置 http.enabled: true 并配置端口，"
            "或在没有公网地址时改用 platforms.dingtalk.mode: stream"
        )
    secrets = Secrets("dingtalk", env)
    return DingTalkAdapter(
        section,
        http,
        app_key=secrets.require("APP_KEY", "应用凭证 AppKey / Client ID"),
        app_secret=secrets.require("APP_SECRET", "应用凭证 AppSecret / Client Secret"),
        robots=secrets.robots(
            section.robots, {"_TOKEN": "access_token", "_SECRET": "加签密钥（SEC 开头）"}
        ),
        clock=clock,
    )

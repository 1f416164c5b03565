"""The Telegram platform: one adapter, driven by python-telegram-bot (default) or aiogram.

``build_telegram`` is the only place that reads ``platforms.telegram.driver``; everything else
sees a :class:`TelegramAdapter`.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from bot.adapters.telegram.adapter import TelegramAdapter
from bot.adapters.telegram.api import BotApi
from bot.adapters.telegram.receive import Poller, WebhookReceiver
from bot.config import Config, ConfigError, TelegramConfig

if TYPE_CHECKING:
    from bot.core.ports import Leadership
    from bot.http.server import HttpServer

Leaders = Callable[[str], "Leadership"]
"""Makes the leadership of a name (bot/app.py: an advisory lock on PostgreSQL)."""

TOKEN_ENV = "DUTYBOT_TELEGRAM_TOKEN"
SECRET_ENV = "DUTYBOT_TELEGRAM_WEBHOOK_SECRET"
TOKEN_PATTERN = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

__all__ = [
    "SECRET_ENV",
    "TOKEN_ENV",
    "TelegramAdapter",
    "build_api",
    "build_telegram",
    "create_adapter",
]


def _token(env: Mapping[str, str]) -> tuple[str, int]:
    token = env.get(TOKEN_ENV, "").strip()
    found = TOKEN_PATTERN.match(token)
    if found is None:
        raise ConfigError(
            f"platforms.telegram 已启用，但环境变量 {TOKEN_ENV} 未设置或格式不对"
            "（应为 BotFather 给出的「数字:字母串」令牌）"
        )
    return token, int(found.group(1))


def build_api(config: TelegramConfig, env: Mapping[str, str] | None = None) -> BotApi:
    """The Bot API client of the configured driver."""
    token, _ = _token(os.environ if env is None else env)
    timeout = config.request_timeout_seconds
    if config.driver == "aiogram":
        from bot.adapters.telegram.driver_aiogram import AiogramApi

        return AiogramApi(token, config.base_url, timeout)
    from bot.adapters.telegram.driver_ptb import PtbApi

    return PtbApi(token, config.base_url, timeout)


def poll_lock_name(token: str) -> str:
    """The polling lock's name: one per bot, from the token's hash (never the token itself)."""
    return "telegram-poll:" + hashlib.sha256(token.encode()).hexdigest()


def build_telegram(
    config: TelegramConfig,
    http: HttpServer | None,
    env: Mapping[str, str] | None = None,
    leaders: Leaders | None = None,
) -> TelegramAdapter:
    """The adapter for ``platforms.telegram``; in webhook mode its route goes on ``http``.

    With ``leaders`` (instances sharing PostgreSQL), polling runs only while this instance
    holds the bot's polling lock.

    Raises:
        ConfigError: missing token, or webhook mode without the HTTP server or its secret.
    """
    env = os.environ if env is None else env
    token, bot_id = _token(env)
    adapter = TelegramAdapter(build_api(config, env), config, bot_id)
    if config.mode == "polling":
        lock = leaders(poll_lock_name(token)) if leaders is not None else None
        adapter.receiver = Poller(adapter, lock)
        return adapter
    secret = env.get(SECRET_ENV, "")
    if not SECRET_PATTERN.match(secret):
        raise ConfigError(
            f"platforms.telegram.mode 为 webhook，需要环境变量 {SECRET_ENV}"
            "（1–256 位字母、数字、_ 或 -，例如 openssl rand -hex 32 生成）"
        )
    if http is None:
        raise ConfigError("platforms.telegram.mode 为 webhook，需要启用 http 服务（http.enabled）")
    adapter.receiver = WebhookReceiver(adapter, http, config.webhook_path, secret)
    return adapter


def create_adapter(
    config: Config, http: HttpServer | None, leaders: Leaders | None = None
) -> TelegramAdapter:
    """The Telegram adapter for the composition root (``bot.app.build_adapters``)."""
    telegram = config.platforms.telegram
    if telegram.mode == "webhook" and not config.http.enabled:
        raise ConfigError("platforms.telegram.mode 为 webhook 时需要 http.enabled: true")
    return build_telegram(telegram, http, leaders=leaders)

"""`dutybot telegram set-webhook URL | delete-webhook`: point Telegram at this bot or stop it."""

from __future__ import annotations

import os
from urllib.parse import urlparse

import typer

from bot.adapters.telegram import SECRET_ENV, build_api
from bot.adapters.telegram.api import ApiError
from bot.cli.common import config, console, fail, run
from bot.config import ConfigError, TelegramConfig

app = typer.Typer(help="Telegram 机器人设置 (Telegram bot settings).", no_args_is_help=True)
OFFICIAL = "https://api.telegram.org"


async def _call(cfg: TelegramConfig, url: str | None, secret: str) -> None:
    api = build_api(cfg)  # ConfigError (no token) becomes a clean message in run()
    await api.open()
    try:
        if url is None:
            await api.delete_webhook()
        else:
            await api.set_webhook(url, secret)
    except ApiError as exc:
        raise ConfigError(f"Telegram 拒绝了请求：{exc.description}") from None
    finally:
        await api.close()


@app.command("set-webhook")
def set_webhook(
    url: str = typer.Argument(
        ..., help="公网地址，如 https://duty.example.gov.cn/telegram/webhook (public URL)"
    ),
) -> None:
    """让 Telegram 把消息推送到本机的 Webhook (set the webhook)."""
    cfg = config().platforms.telegram
    secret = os.environ.get(SECRET_ENV, "")
    if not secret:
        raise fail(f"请先设置环境变量 {SECRET_ENV}（例如 openssl rand -hex 32 生成）")
    parsed = urlparse(url)
    if parsed.scheme != "https" and cfg.base_url.rstrip("/") == OFFICIAL:
        raise fail(
            "Telegram 只向 https:// 地址推送，请使用 HTTPS 地址（端口 443、80、88 或 8443）"
        )
    if not parsed.path.endswith(cfg.webhook_path):
        console.print(
            "[yellow]注意：地址路径应以 platforms.telegram.webhook_path"
            f"（{cfg.webhook_path}）结尾，否则请在反向代理中转发到该路径。[/yellow]"
        )
    run(_call(cfg, url, secret))
    console.print(f"[green]✓[/green] 已设置 Webhook：{url}（校验密钥取自 {SECRET_ENV}）")
    if cfg.mode != "webhook":
        console.print(
            "  请把 platforms.telegram.mode 改为 webhook 并启用 http，再重启 dutybot run。"
        )


@app.command("delete-webhook")
def delete_webhook() -> None:
    """删除 Webhook，改用轮询；未处理的消息保留 (delete the webhook)."""
    cfg = config().platforms.telegram
    run(_call(cfg, None, ""))
    console.print(
        "[green]✓[/green] 已删除 Webhook；未处理的消息仍由 Telegram 保留，轮询时会收到。"
    )
    if cfg.mode != "polling":
        console.print("  请把 platforms.telegram.mode 改为 polling，再重启 dutybot run。")

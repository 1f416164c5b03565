"""`dutybot telegram set-webhook / delete-webhook` against the local Bot API server, and doctor."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.adapters.telegram import SECRET_ENV, TOKEN_ENV
from bot.app import build_adapters
from bot.cli import app as cli
from bot.config import ConfigError
from bot.http.server import HttpServer
from bot.testing.telegram.fake_bot_api import FakeBotApi
from tests.adapters.telegram.harness import SECRET, TOKEN
from tests.conftest import make_config


async def _dutybot(config: Path, *args: str, **env: str) -> tuple[int, str]:
    """Run the CLI in a worker thread (it runs its own event loop) while the server serves."""
    env = {TOKEN_ENV: "", SECRET_ENV: "", **env}
    result = await asyncio.to_thread(
        CliRunner().invoke, cli, ["--config", str(config), *args], env=env
    )
    return result.exit_code, result.output


def _config(tmp_path: Path, base_url: str, driver: str, mode: str = "polling") -> Path:
    data = {
        "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"},
        "data_dir": str(tmp_path),
        "platforms": {
            "telegram": {"enabled": True, "driver": driver, "base_url": base_url, "mode": mode}
        },
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("driver", ["ptb", "aiogram"])
async def test_set_and_delete_webhook(tmp_path: Path, driver: str) -> None:
    fake = FakeBotApi(TOKEN)
    await fake.start()
    try:
        config = _config(tmp_path, fake.base_url, driver)
        url = "https://duty.example.gov.cn/telegram/webhook"
        env = {TOKEN_ENV: TOKEN, SECRET_ENV: SECRET}
        code, out = await _dutybot(config, "telegram", "set-webhook", url, **env)
        assert code == 0, out
        assert fake.webhook == {"url": url, "secret_token": SECRET}
        assert "mode 改为 webhook" in out
        code, out = await _dutybot(config, "telegram", "delete-webhook", **env)
        assert code == 0, out
        assert fake.webhook is None
    finally:
        await fake.stop()


async def test_missing_token_and_secret_are_explained(tmp_path: Path) -> None:
    config = _config(tmp_path, "http://127.0.0.1:9", "ptb")
    url = "https://duty.example.gov.cn/telegram/webhook"
    code, out = await _dutybot(config, "telegram", "set-webhook", url, **{SECRET_ENV: SECRET})
    assert code == 1 and TOKEN_ENV in out and "Traceback" not in out
    code, out = await _dutybot(config, "telegram", "set-webhook", url, **{TOKEN_ENV: TOKEN})
    assert code == 1 and SECRET_ENV in out
    webhook_config = _config(tmp_path, "http://127.0.0.1:9", "ptb", mode="webhook")
    code, out = await _dutybot(webhook_config, "doctor", **{TOKEN_ENV: TOKEN})
    assert code == 1 and SECRET_ENV in out and "http.enabled" in out


def test_composition_root_explains_missing_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "sqlite+aiosqlite:///unused.db"
    webhook = {"telegram": {"enabled": True, "mode": "webhook"}}
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    monkeypatch.delenv(SECRET_ENV, raising=False)
    with pytest.raises(ConfigError, match=TOKEN_ENV):
        build_adapters(make_config(url, platforms={"telegram": {"enabled": True}}), HttpServer())
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    with pytest.raises(ConfigError, match=r"http\.enabled"):
        build_adapters(make_config(url, platforms=webhook), HttpServer())
    with pytest.raises(ConfigError, match=SECRET_ENV):
        build_adapters(make_config(url, platforms=webhook, http={"enabled": True}), HttpServer())
    adapters = build_adapters(make_config(url, platforms={"telegram": {"enabled": True}}))
    assert set(adapters) == {"console", "telegram"}

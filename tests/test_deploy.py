"""The container files (images cannot be pulled here): compose.yaml starts PostgreSQL, runs the
migrations once, then two instances sharing it, each with its own data volume and a health
check the HTTP server answers; the image's config.yaml loads and serves HTTP without a console."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from bot.app import load_config
from bot.http.server import HttpServer
from bot.store.leader import uses_locks

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = ("dutybot-1", "dutybot-2")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return data


def substitute(value: str, env: dict[str, str]) -> str:
    """Compose's ${VAR:?msg} / ${VAR:-default} with ``env``; a missing required one fails."""

    def one(found: re.Match[str]) -> str:
        name, op, rest = found.group(1), found.group(2), found.group(3)
        if env.get(name):
            return env[name]
        if op == ":?":
            raise KeyError(f"{name}: {rest}")
        return rest or ""

    return re.sub(r"\$\{(\w+)(:\?|:-)?([^}]*)\}", one, value)


def test_postgresql_migrations_then_two_instances(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"db", "migrate", *INSTANCES}
    assert services["db"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["migrate"]["command"] == ["dutybot", "db", "upgrade"]
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    volumes = set()
    for name in INSTANCES:
        bot = services[name]
        assert bot["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }
        assert bot["build"] == "." and bot["restart"] == "unless-stopped"
        volumes.update(bot["volumes"])
        assert all(v.endswith(":/var/lib/dutybot") for v in bot["volumes"])
    assert len(volumes) == len(INSTANCES)  # each instance its own data directory
    ports = [services[n]["ports"][0] for n in INSTANCES]
    assert len(set(ports)) == len(ports) and all(p.startswith("127.0.0.1:") for p in ports)


def test_environment_needs_the_secrets_and_points_every_instance_at_postgresql(
    compose: dict[str, Any],
) -> None:
    env = {"POSTGRES_PASSWORD": "pw", "DUTYBOT_AUDIT_KEY": "k" * 48}
    for name in ("migrate", *INSTANCES):
        values = compose["services"][name]["environment"]
        url = substitute(values["DUTYBOT_DATABASE_URL"], env)
        assert url == "postgresql+asyncpg://dutybot:pw@db:5432/dutybot" and uses_locks(url)
        assert substitute(values["DUTYBOT_AUDIT_KEY"], env) == "k" * 48
        assert substitute(values["DUTYBOT_TELEGRAM_TOKEN"], env) == ""  # optional
        for variable, needs in (
            ("DUTYBOT_DATABASE_URL", "POSTGRES_PASSWORD"),
            ("DUTYBOT_AUDIT_KEY", "DUTYBOT_AUDIT_KEY"),
        ):
            without = {k: v for k, v in env.items() if k != needs}
            with pytest.raises(KeyError, match=needs):
                substitute(values[variable], without)


def test_dead_connections_are_noticed_within_the_take_over_promise(
    compose: dict[str, Any],
) -> None:
    command = compose["services"]["db"]["command"]
    settings = dict(arg.split("=", 1) for arg in command if "=" in arg)
    idle, interval, count = (
        int(settings[f"tcp_keepalives_{k}"]) for k in ("idle", "interval", "count")
    )
    assert idle + interval * count <= 10  # seconds until PostgreSQL frees a dead holder's lock


async def test_health_checks_ask_what_the_http_server_answers(compose: dict[str, Any]) -> None:
    server = HttpServer("127.0.0.1", 0)
    await server.start()
    try:
        for name in INSTANCES:
            check = " ".join(compose["services"][name]["healthcheck"]["test"])
            (url,) = re.findall(r"http://127\.0\.0\.1:8080(/\w+)", check)
            async with aiohttp.ClientSession() as session, session.get(server.url + url) as resp:
                assert resp.status == 200
    finally:
        await server.stop()


def test_image_installs_the_package_and_runs_as_its_own_user() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert text.splitlines()[1] == "FROM python:3.11-slim"
    assert "pip install --no-cache-dir ." in text and "postgresql-client" in text
    assert "USER dutybot" in text and 'CMD ["dutybot", "run"]' in text
    assert "/healthz" in text


def test_image_config_loads_and_serves_http_without_a_console(tmp_path: Path) -> None:
    made = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "make_config.py"), str(ROOT / "config.yaml")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = tmp_path / "config.yaml"
    path.write_text(made, encoding="utf-8")
    config = load_config(path, env={})
    assert not config.platforms.console.enabled
    assert (config.http.enabled, config.http.host, config.http.port) == (True, "0.0.0.0", 8080)
    assert config.data_dir == "/var/lib/dutybot"
    assert config.audit.anchor_file.startswith("/var/lib/dutybot/")

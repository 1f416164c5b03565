"""/healthz and /metrics of a wired App: each component's state, 503 when the database cannot be
reached or the ticker stalled (by the fake clock), and counters that parse as Prometheus text."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import App
from bot.core.clock import FakeClock
from bot.core.errors import DeliveryError
from bot.core.health import Health
from bot.core.messages import Reply, Target
from bot.http.server import HttpServer
from bot.store import due, outbox
from bot.store.engine import make_engine, make_sessionmaker
from tests.conftest import make_config
from tests.support import RecordingAdapter, incoming


@pytest.fixture
async def url(app: App) -> AsyncIterator[str]:
    app.http.port = 0
    await app.http.start()
    yield app.http.url
    await app.http.stop()


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as client, client.get(url) as resp:
        return resp.status, await resp.text()


async def _health(url: str) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as client, client.get(f"{url}/healthz") as resp:
        return resp.status, await resp.json()


async def test_healthz_names_each_component(app: App, url: str) -> None:
    await app.ticker.tick()
    await app.sender.drain()
    status, body = await _health(url)
    assert status == 200, body
    assert body["ok"] is True
    assert body["database"] == {"state": "ok"}
    assert body["ticker"]["state"] == "ok" and body["ticker"]["last"]  # type: ignore[index]
    assert body["sender"]["state"] == "ok"  # type: ignore[index]
    assert set(body["platforms"]) == {"console", "fake"}  # type: ignore[arg-type]


async def test_a_stalled_ticker_is_503(app: App, url: str, clock: FakeClock) -> None:
    await app.ticker.tick()
    clock.advance(seconds=app.config.scheduler.stalled_after_seconds + 1)
    await app.sender.drain()  # the sender is alive; the ticker has not run since
    status, body = await _health(url)
    assert status == 503
    assert body["ticker"]["state"] == "stalled"  # type: ignore[index]
    assert body["sender"]["state"] == "ok" and body["database"]["state"] == "ok"  # type: ignore[index]
    await app.ticker.tick()
    assert (await _health(url))[0] == 200


async def test_an_unreachable_database_is_503(app: App, tmp_path: Path) -> None:
    gone = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'gone' / 'x.db'}")
    shutil.rmtree(tmp_path / "gone")  # its directory vanished: no connection can open it
    await app.ticker.tick()
    await app.sender.drain()
    health = Health(make_sessionmaker(gone), app.config, app.clock, app.metrics, ("console",))
    http = HttpServer(port=0)
    http.observe(health.check, health.exposition)
    await http.start()
    try:
        async with aiohttp.ClientSession() as client:
            async with client.get(f"{http.url}/healthz") as resp:
                status, body = resp.status, await resp.json()
            async with client.get(f"{http.url}/metrics") as resp:
                assert resp.status == 200  # the counters are still served
    finally:
        await http.stop()
        await gone.dispose()
    assert status == 503
    assert body["database"]["state"] == "down" and body["ticker"]["state"] == "ok"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


async def test_metrics_count_a_command_a_delivery_and_a_failure(
    app: App, url: str, clock: FakeClock, fake: RecordingAdapter
) -> None:
    await app.dispatcher.receive(incoming("/help", sender="刘洋"))
    await app.dispatcher.receive(incoming("随便说说", sender="刘洋"))
    fake.failures.append(DeliveryError("平台暂不可用"))
    async with app.sessions.begin() as session:
        await outbox.enqueue(session, clock.now(), Target("fake", "x"), Reply("hi"), key="m1")
        await due.schedule(session, clock.now(), kind="late", due_at=clock.now(), payload={})
    clock.advance(seconds=3)
    await app.sender.drain()
    status, text = await _get(f"{url}/metrics")
    assert status == 200
    found = _samples(text)
    assert found[("dutybot_commands_total", (("command", "help"), ("outcome", "ok")))] == 1
    unknown = (("command", "(unknown)"), ("outcome", "unknown"))
    assert found[("dutybot_commands_total", unknown)] == 1  # chat text is never a label
    assert found[("dutybot_deliveries_total", (("kind", "reply"), ("platform", "console")))] == 2
    assert found[("dutybot_errors_total", (("kind", "fake"), ("where", "sender")))] == 1
    latency = ("dutybot_delivery_latency_seconds_count", (("priority", "3"),))
    assert found[latency] == 2
    pending = ("dutybot_outbox_depth", (("priority", "6"), ("status", "pending")))
    assert found[pending] == 1  # the failed send waits for its retry
    assert found[("dutybot_due_lag_seconds", ())] == 3  # the ticker has not run
    assert found[("dutybot_last_send_pass_timestamp_seconds", ())] == clock.now().timestamp()
    status, body = await _health(url)
    assert body["platforms"]["fake"]["state"] == "failing"  # type: ignore[index]
    assert "平台暂不可用" not in str(body)  # error texts name chats: not on an open endpoint
    assert body["platforms"]["console"]["state"] == "ok"  # type: ignore[index]
    assert body["platforms"]["console"]["last_received"]  # type: ignore[index]
    assert body["platforms"]["fake"]["last_received"] is None  # type: ignore[index]


async def test_two_apps_count_apart(app: App, clock: FakeClock, tmp_path: Path) -> None:
    other = await App.create(
        make_config(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}"),
        clock=clock,
        adapters={"console": RecordingAdapter(platform="console")},
        auto_upgrade=True,
    )
    try:
        await app.dispatcher.receive(incoming("/help", sender="刘洋"))
        key = ("dutybot_commands_total", (("command", "help"), ("outcome", "ok")))
        assert _samples(app.metrics.exposition().decode())[key] == 1
        assert key not in _samples(other.metrics.exposition().decode())
        assert app.dispatcher.metrics is app.metrics is app.sender.metrics is app.ticker.metrics
    finally:
        await other.engine.dispose()

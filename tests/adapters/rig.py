"""A wired App speaking through one webhook platform adapter and its local fake server."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.app import App
from bot.cli.demo import seed
from bot.core.clock import FakeClock
from bot.http.server import HttpServer
from models.directory import binding
from models.directory.users import find_user
from tests.conftest import make_config

OFFICER = "张三"  # demo officer, bound on the platform as ``officer_id``


@dataclass
class Rig:
    """The App, our HTTP server with the adapter's routes, and the demo's bind code."""

    app: App
    http: HttpServer
    adapter: Any
    bind_code: str

    @property
    def url(self) -> str:
        """The adapter's callback URL on our server."""
        return f"{self.http.url}{self.adapter.config.callback_path}"

    async def settle(self) -> None:
        """Handle what was accepted, then deliver what that queued."""
        await self.adapter.intake.settle()
        await self.app.sender.drain()

    async def close(self) -> None:
        await self.adapter.stop()
        await self.http.stop()
        await self.app.engine.dispose()

    async def __aenter__(self) -> Rig:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def make_rig(
    db_url: str,
    clock: FakeClock,
    platform: str,
    section: dict[str, Any],
    create: Callable[..., Any],
    env: dict[str, str],
    officer_id: str,
) -> Rig:
    """Config with ``platforms.<platform>`` = ``section``; adapter built by ``create``."""
    config = make_config(
        db_url,
        # The fakes listen on plain http (127.0.0.1); a deployment must use https.
        platforms={
            platform: {"enabled": True, "rate_limit": None, "allow_plain_http": True, **section}
        },
        http={"enabled": True},
    )
    http = HttpServer("127.0.0.1", 0)
    adapter = create(config, http, env, clock)
    app = await App.create(
        config, clock=clock, adapters={platform: adapter}, auto_upgrade=True, http=http
    )
    async with app.sessions.begin() as session:
        result = await seed(session, clock.now(), timedelta(hours=24))
        officer = await find_user(session, OFFICER)
        await binding.bind_account(session, officer, platform, officer_id, clock.now())
    assert result.bind_code
    await adapter.start(app.dispatcher)
    await http.start()
    return Rig(app, http, adapter, result.bind_code)


async def another_instance(rig: Rig, create: Callable[..., Any], env: dict[str, str]) -> Rig:
    """A second DutyBot behind the same callback URL: its own process state, the same database."""
    config, clock = rig.app.config, rig.app.clock
    http = HttpServer("127.0.0.1", 0)
    adapter = create(config, http, env, clock)
    app = await App.create(config, clock=clock, adapters={adapter.platform: adapter}, http=http)
    await adapter.start(app.dispatcher)
    await http.start()
    return Rig(app, http, adapter, rig.bind_code)


class Chat:
    """The contract's ChatHarness over a rig: ``speak`` posts one callback as the platform."""

    def __init__(
        self,
        rig: Rig,
        speak: Callable[[str, str, str | None], Awaitable[None]],
        texts: Callable[[str, str | None], list[str]],
    ) -> None:
        self.rig, self._speak, self._texts = rig, speak, texts

    async def say(self, sender: str, text: str, *, group: str | None = None) -> None:
        await self._speak(sender, text, group)
        await self.rig.adapter.intake.settle()

    async def replies(self, sender: str, *, group: str | None = None) -> list[str]:
        await self.rig.app.sender.drain()
        return self._texts(sender, group)

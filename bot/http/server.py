"""The project's HTTP server (aiohttp): platform webhooks and APIs register their routes here."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger("dutybot.http")
RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HttpServer:
    """One listening server shared by every adapter and API.

    Routes are added before :meth:`start`; ``port=0`` picks a free port (tests).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 8080) -> None:
        self.host = host
        self.port = port
        self.app = web.Application(client_max_size=2 * 1024 * 1024)
        self.app.router.add_get("/healthz", self._health)
        self._runner: web.AppRunner | None = None

    def add_route(self, method: str, path: str, handler: RouteHandler) -> None:
        """Serve ``handler`` at ``method path``."""
        self.app.router.add_route(method, path, handler)

    @property
    def started(self) -> bool:
        """True while listening."""
        return self._runner is not None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:8080``."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Begin listening."""
        runner = web.AppRunner(self.app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, self.host, self.port).start()
        if self.port == 0:
            self.port = int(runner.addresses[0][1])  # the port the system picked
        self._runner = runner
        log.info("HTTP server listening on %s", self.url)

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

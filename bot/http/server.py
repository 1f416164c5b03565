"""The project's HTTP server (aiohttp): platform webhooks and APIs register their routes here."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger("dutybot.http")
RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HealthCheck = Callable[[], Awaitable[tuple[int, dict[str, Any]]]]
MetricsText = Callable[[], Awaitable[bytes]]
# Prometheus text exposition format 0.0.4 (what prometheus_client writes).
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# What aiohttp itself refuses, said the way our routes say it (JSON, Chinese first).
REFUSALS = {
    404: "没有这个接口地址，请核对路径（not found）",
    405: "该地址不支持此请求方法（method not allowed）",
    413: "请求体过大，请拆分后重发（request entity too large）",
}


@web.middleware
async def plain_errors(request: web.Request, handler: RouteHandler) -> web.StreamResponse:
    """Answer aiohttp's own refusals (404, 405, 413) as JSON; a handler's crash as a JSON 500
    whose traceback goes to the log only."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status not in REFUSALS:
            raise
        body = json.dumps({"error": REFUSALS[exc.status]}, ensure_ascii=False)
        headers = {k: v for k, v in exc.headers.items() if k.lower() == "allow"}
        return web.Response(
            status=exc.status, text=body, content_type="application/json", headers=headers
        )
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        body = json.dumps(
            {"error": "服务器内部错误，已记录，请稍后重试（internal error）"}, ensure_ascii=False
        )
        return web.Response(status=500, text=body, content_type="application/json")


class HttpServer:
    """One listening server shared by every adapter and API.

    Routes are added before :meth:`start`; ``port=0`` picks a free port (tests).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 8080) -> None:
        self.host = host
        self.port = port
        self.app = web.Application(client_max_size=2 * 1024 * 1024, middlewares=[plain_errors])
        self.app.router.add_get("/healthz", self._health)
        self.app.router.add_get("/metrics", self._metrics)
        self._runner: web.AppRunner | None = None
        self._check: HealthCheck | None = None
        self._exposition: MetricsText | None = None

    def observe(self, check: HealthCheck, exposition: MetricsText) -> None:
        """Answer /healthz with ``check`` (status and body) and /metrics with ``exposition``."""
        self._check, self._exposition = check, exposition

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
        if self._check is None:  # a bare server (adapter tests): it answers, that is all
            return web.json_response({"ok": True})
        status, body = await self._check()
        return web.json_response(body, status=status, dumps=_dumps)

    async def _metrics(self, request: web.Request) -> web.Response:
        if self._exposition is None:
            raise web.HTTPNotFound
        body = await self._exposition()
        return web.Response(body=body, headers={"Content-Type": METRICS_TYPE})


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)

"""The dashboard on the project's HTTP server: mounts the sign-in routes, the static files and
every feature's pages, each behind the same checks (docs/web.md §Security)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from aiohttp import web
from multidict import MultiDict, MultiMapping
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Config
from bot.core.clock import Clock, LocalTime
from bot.core.errors import UserError
from bot.core.roles import labels
from bot.core.scope import OutOfScope
from bot.http.server import HttpServer
from bot.web.guard import (
    HEADERS,
    People,
    Refusal,
    Visitor,
    check_csrf,
    check_secrecy,
    every_value,
    record,
    see_other,
    visitor,
)
from bot.web.pages import Page, PageContext, Rendered, WebPages
from bot.web.render import HERE, Renderer
from bot.web.signin import SignIn, login_path
from bot.web.sse import EventStream, run_stream

log = logging.getLogger("dutybot.web")
CRASHED = "服务器内部错误，已记录，本次操作未生效。请稍后重试；如一再出现，请联系管理员。"
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
Handler = web.StreamResponse
Route = Callable[[web.Request], Awaitable[Handler]]


class WebRuntime:
    """Everything under ``/web`` for one App.

    Args:
        sessions: Database sessions (carrying the audit key).
        config: Its ``web`` section, time zone and the 机要 channel are read.
        clock: Where "now" comes from.
        people: Looks people up (the directory feature's).
        features: Each feature's pages, in menu order.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        config: Config,
        clock: Clock,
        people: People,
        features: Sequence[WebPages],
    ) -> None:
        self.sessions, self.config, self.clock, self.people = sessions, config, clock, people
        self.tz = LocalTime(config.timezone)
        self.renderer = Renderer(features, self.tz)
        self.pages: list[Page] = [page for pages in features for page in pages.pages]
        self.signin = SignIn(sessions, config, clock, people, self.renderer)
        self._streams: set[asyncio.Task[Any]] = set()
        self.static = {p.name: p.read_bytes() for p in (HERE / "static").iterdir() if p.is_file()}

    def mount(self, http: HttpServer) -> None:
        """Add every route to ``http`` (before it starts)."""
        http.add_route("GET", "/web/static/{name}", self._static)
        http.add_route("GET", "/web/login", self._guarded(self.signin.form))
        http.add_route("POST", "/web/login", self._guarded(self.signin.submit))
        http.add_route("POST", "/web/logout", self._guarded(self.signin.sign_out))
        http.add_route("GET", "/web", self._guarded(self._home))
        http.add_route("GET", "/web/", self._guarded(self._home))
        for page in self.pages:
            http.add_route(page.method, page.path, self._guarded(partial(self.serve, page)))
        http.add_route("*", "/web/{tail:.*}", self._missing)
        http.app.on_shutdown.append(self._end_streams)

    async def _end_streams(self, app: web.Application) -> None:
        """Stopping: open live parts end now (the browser reconnects to whoever serves next),
        rather than hold the stop for aiohttp's shutdown timeout."""
        for task in list(self._streams):
            task.cancel()

    def _guarded(self, handler: Route) -> Route:
        """``handler`` answering a crash with a Chinese page; the traceback goes to the log."""

        async def guarded(request: web.Request) -> Handler:
            try:
                return await handler(request)
            except web.HTTPException:
                raise
            except Exception:
                log.exception("%s %s failed", request.method, request.path)
                return self.renderer.error(500, CRASHED)

        return guarded

    async def _static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        body = self.static.get(name)
        if body is None:
            return self.renderer.error(404, "没有这个文件。")
        kind = STATIC_TYPES.get(Path(name).suffix, "application/octet-stream")
        headers = {**HEADERS, "Cache-Control": "public, max-age=3600"}
        return web.Response(body=body, content_type=kind, headers=headers)

    async def _missing(self, request: web.Request) -> web.Response:
        return self.renderer.error(404, "没有这个页面，请从首页菜单进入。")

    async def _home(self, request: web.Request) -> Handler:
        now = self.clock.now()
        async with self.sessions.begin() as db:
            seen = await visitor(db, self.people, request, now, self._idle)
        if seen is None:
            return see_other(login_path("/web/"))
        return self.renderer.html(
            "web/home.html",
            {"title": "首页"},
            user=seen.user,
            menu=self.pages,
            csrf=seen.csrf,
            path="/web/",
        )

    @property
    def _idle(self) -> timedelta:
        return timedelta(minutes=self.config.web.idle_minutes)

    async def serve(self, page: Page, request: web.Request) -> Handler:
        """Sign-in, roles, CSRF, secrecy, the page in one transaction, and its audit row; a
        refusal rolls the page's work back and is audited in a transaction of its own."""
        now = self.clock.now()
        raw: MultiMapping[Any] = MultiDict()
        if request.method == "POST":
            raw = await request.post()
        form = {k: str(v) for k, v in raw.items()}
        seen: Visitor | None = None
        try:
            async with self.sessions.begin() as db:
                seen = await visitor(db, self.people, request, now, self._idle)
                if seen is None:
                    return await self._signed_out(request)
                result = await self._run(db, page, request, seen, form, raw)
        except Refusal as refused:
            async with self.sessions.begin() as db:
                user = seen.user if seen else None
                await record(
                    db,
                    now,
                    request,
                    command=page.path,
                    outcome=refused.outcome,
                    user=user,
                    detail={"title": page.title, **refused.detail},
                )
            csrf = seen.csrf if seen else ""
            return self.renderer.error(
                refused.status,
                refused.message,
                user=seen.user if seen else None,
                menu=self.pages,
                csrf=csrf,
            )
        if isinstance(result, EventStream):  # after the checks committed: no open transaction
            task = asyncio.current_task()
            assert task is not None
            self._streams.add(task)
            try:
                return await run_stream(request, result, self.sessions, self.clock)
            finally:
                self._streams.discard(task)
        if isinstance(result, Rendered):
            return self.renderer.html(
                result.template,
                {"title": page.title, **result.values},
                status=result.status,
                user=seen.user,
                menu=self.pages,
                csrf=seen.csrf,
                path=request.path,
            )
        return result

    async def _signed_out(self, request: web.Request) -> Handler:
        if request.method == "GET":
            return see_other(login_path(request.path_qs))
        return self.renderer.error(403, "登录已失效，本次提交未生效。请重新登录后再试。")

    async def _run(
        self,
        db: AsyncSession,
        page: Page,
        request: web.Request,
        seen: Visitor,
        form: dict[str, str],
        raw: MultiMapping[Any],
    ) -> Rendered | EventStream | web.StreamResponse:
        user = seen.user
        if not page.admits(user):
            raise Refusal(
                403,
                f"「{page.title}」仅限{labels(page.roles)}查看，您的角色是{labels(user.roles)}。"
                "如需开通请联系管理员。",
                "denied",
            )
        if request.method == "POST":
            check_csrf(form, seen.csrf)
        check_secrecy(
            {**dict(request.match_info), **every_value(request.query), **every_value(raw)},
            self.config.inbox.classified_channel,
        )
        ctx = PageContext(
            session=db,
            clock=self.clock,
            config=self.config,
            tz=self.tz,
            now=self.clock.now(),
            request=request,
            user=user,
            sessions=self.sessions,
            form=form,
            csrf=seen.csrf,
            fragment=self.renderer.fragment,
        )
        try:
            result = await page.handler(ctx)
        except OutOfScope as exc:
            raise Refusal(403, str(exc), "out_of_scope") from None
        except UserError as exc:
            raise Refusal(400, str(exc), "rejected") from None
        if page.personal or request.method == "POST":
            await record(
                db,
                ctx.now,
                request,
                command=page.path,
                outcome="ok",
                user=user,
                detail={"title": page.title, **ctx.audit_detail},
            )
        return result

"""The 12345 ticket REST API: POST/PATCH/GET by number, per-client keys, an OpenAPI description.

Each client named in ``tickets.api_clients`` authenticates with ``Authorization: Bearer <key>``
(or ``X-API-Key``); the key comes from ``DUTYBOT_API_KEY_<SUFFIX>``. Who may touch which ticket
is decided in handlers/tickets/access.py. Every write is one transaction with its audit row and
the messages it queues; a refused request changes nothing and is audited with its status.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Config
from bot.core import secrecy
from bot.core.clock import Clock, LocalTime
from bot.core.context import WorkContext
from bot.core.errors import UserError
from bot.http.body import BadBody, plain_text, read_object
from bot.http.server import HttpServer
from bot.store import audit
from handlers.tickets.access import Access, Denied, api_keys
from handlers.tickets.intake import announce, sent_back
from handlers.tickets.schema import BASE, TicketPatch, openapi
from models.tickets.ingest import CLASSIFIED, LABELS, TicketIn, field_errors
from models.tickets.intake import as_dict, close, take, visit
from models.tickets.records import find, get
from models.tickets.settings import Operation

__all__ = ["TicketsApi", "api_keys"]


def _error(
    status: int,
    message: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    body: dict[str, Any] = {"error": message}
    if errors:
        body["errors"] = errors
    return web.json_response(
        body, status=status, headers=headers, dumps=lambda o: json.dumps(o, ensure_ascii=False)
    )


def _ok(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(
        body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False)
    )


def _invalid(exc: ValidationError) -> web.Response:
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": line}
        for e, line in zip(exc.errors(), field_errors(exc), strict=True)
    ]
    return _error(422, "数据校验未通过：" + "；".join(field_errors(exc)), errors)


Work = Callable[[WorkContext, dict[str, Any], str], Awaitable[web.Response]]


class TicketsApi:
    """Routes for one App: its sessions, configuration and clock."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        config: Config,
        clock: Clock,
        keys: dict[str, str],
    ) -> None:
        self.sessions, self.config, self.clock = sessions, config, clock
        self.access = Access(config, clock, keys)
        self.local = LocalTime(config.timezone)

    def register(self, http: HttpServer) -> None:
        """Serve the API on ``http``."""
        http.add_route("POST", BASE, self._post)
        http.add_route("PATCH", BASE + "/{number}", self._patch)
        http.add_route("GET", BASE + "/{number}", self._get)
        http.add_route("GET", "/api/v1/openapi.json", self._openapi)

    async def _run(self, request: web.Request, work: Work, *, write: bool) -> web.Response:
        try:
            client = self.access.client(request)
        except Denied as denied:
            return await self._refuse(request, "", denied)
        body: dict[str, Any] = {}
        try:
            plain_text(*request.match_info.values())
            if write:
                body = await read_object(request)
        except BadBody as bad:
            return _error(bad.status, bad.message)
        found = secrecy.find_in(dict(request.match_info)) or secrecy.find_in(body)
        if found is not None:
            return await self._classified(request, client, *found)
        try:
            async with self.sessions.begin() as session:
                now = self.clock.now()
                ctx = WorkContext(
                    session=session, clock=self.clock, config=self.config, tz=self.local, now=now
                )
                response = await work(ctx, body, client)
                if write:
                    await audit.append(
                        session,
                        now,
                        audit.Entry(
                            kind="api",
                            command=f"{request.method} {request.path}",
                            actor=client,
                            platform="api",
                            detail={"status": response.status},
                        ),
                    )
                return response
        except ValidationError as exc:
            return _invalid(exc)
        except UserError as exc:
            return _error(422, str(exc))
        except Denied as denied:  # raised before any change; the transaction is rolled back
            return await self._refuse(request, client, denied)

    async def _refuse(self, request: web.Request, client: str, denied: Denied) -> web.Response:
        """Answer ``denied``; audit it (route, not path) unless it is a repeated lockout."""
        if denied.outcome:
            route = request.match_info.route.resource
            entry = audit.Entry(
                kind="api",
                command=f"{request.method} {route.canonical if route else request.path}",
                outcome=denied.outcome,
                actor=client,
                platform="api",
                detail={"status": denied.status, "address": request.remote or "?"},
            )
            async with self.sessions.begin() as session:
                await audit.append(session, self.clock.now(), entry)
        return _error(denied.status, denied.message, headers=denied.headers)

    async def _classified(
        self, request: web.Request, client: str, field: str, found: secrecy.Finding
    ) -> web.Response:
        """Refuse a marked request, storing none of it; audit its route (not path) and form."""
        route = request.match_info.route.resource
        async with self.sessions.begin() as session:
            entry = audit.Entry(
                kind="api",
                command=f"{request.method} {route.canonical if route else BASE}",
                outcome="classified",
                actor=client,
                platform="api",
                detail={"status": 422, **found.detail},
            )
            await audit.append(session, self.clock.now(), entry)
        message = f"{field}：{CLASSIFIED}（{found.reason}）"
        return _error(422, f"数据校验未通过：{message}", [{"field": field, "message": message}])

    async def _post(self, request: web.Request) -> web.Response:
        async def work(ctx: WorkContext, body: dict[str, Any], client: str) -> web.Response:
            item = TicketIn.model_validate(body)
            known = await find(ctx.session, item.number)
            self.access.check(client, known, "create" if known is None else "update")
            taken = await take(ctx, item, client=client)
            await announce(ctx, taken)
            view = as_dict(taken.ticket, self.local)
            view["possible_duplicates"] = list(taken.duplicates)
            return _ok(view, 201 if taken.created else 200)

        return await self._run(request, work, write=True)

    async def _patch(self, request: web.Request) -> web.Response:
        number = request.match_info["number"]

        async def work(ctx: WorkContext, body: dict[str, Any], client: str) -> web.Response:
            patch = TicketPatch.model_validate(body)
            ticket = await find(ctx.session, number)
            if ticket is None:
                return _error(404, f"没有编号为「{number}」的工单")
            fields = patch.model_dump(
                exclude_none=True, exclude={"visit_result", "resolved", "close"}
            )
            wanted: list[Operation] = ["update"] if fields else []
            wanted += ["visit"] if patch.visit_result is not None else []
            wanted += ["close"] if patch.close else []
            self.access.check(client, ticket, *wanted)
            if fields:
                merged = {k: v for k, v in as_dict(ticket, self.local).items() if k in LABELS}
                if fields.keys() & {"category", "urgency", "received_at", "dispatched_at"}:
                    merged.pop("due_at")  # the rule table decides again
                merged.update(fields)
                await take(ctx, TicketIn.model_validate(merged), client=client)
            if patch.visit_result is not None and await visit(
                ctx, ticket, patch.visit_result, patch.resolved, client
            ):
                await sent_back(ctx, ticket)
            if patch.close:
                close(ctx, ticket, client)
            return _ok(as_dict(ticket, self.local))

        return await self._run(request, work, write=True)

    async def _get(self, request: web.Request) -> web.Response:
        number = request.match_info["number"]

        async def work(ctx: WorkContext, body: dict[str, Any], client: str) -> web.Response:
            try:
                ticket = await get(ctx.session, number)
            except UserError as exc:
                return _error(404, str(exc))
            self.access.check(client, ticket, "read")
            return _ok(as_dict(ticket, self.local))

        return await self._run(request, work, write=False)

    async def _openapi(self, request: web.Request) -> web.Response:
        return _ok(openapi())

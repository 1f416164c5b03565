"""The page registry: each feature declares its pages once, with the roles that may open them.

A feature's ``handlers/<feature>/web.py``::

    pages = WebPages("duty", Path(__file__).with_name("templates"))

    @pages.page("/web/duty", "今日值班", roles=ANY_BOUND, personal=True)
    async def today(ctx: PageContext) -> Rendered:
        return ctx.render("duty/today.html", slots=...)

The runtime (bot/web/runtime.py) signs the person in, checks the roles, the CSRF token of a POST
and the secrecy guard on every field before the function runs, inside one transaction, and
audits a view of a ``personal`` page. Templates are named ``<feature>/<file>`` and extend
``web/base.html``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.context import WorkContext
from bot.core.messages import Attachment, ChatKind
from bot.core.privacy import unmasked_for
from bot.core.roles import Role, UserInfo
from bot.web.files import FileResponse
from bot.web.sse import EventStream

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class Rendered:
    """A template and its values, which the runtime renders inside the base layout."""

    template: str
    values: dict[str, Any]
    status: int = 200


@dataclass(kw_only=True)
class PageContext(WorkContext):
    """A page function's view of one request by one signed-in person.

    Attributes:
        request: The aiohttp request (``ctx.request.match_info`` for ``{id}`` in the path).
        user: Who is signed in (roles as in chat).
        sessions: For a page that streams (SSE) and needs a fresh transaction per update.
        form: The POST form's fields (already past the CSRF and secrecy checks); empty on GET.
        csrf: This session's CSRF token, for forms a page renders itself.
        audit_detail: Added to the audit row of the view.
        fragment: ``fragment("duty/now.html", **values)`` renders a template without the layout,
            to a string: a live part's HTML in an :class:`EventStream`'s ``produce``.
    """

    request: web.Request
    user: UserInfo
    sessions: async_sessionmaker[AsyncSession]
    form: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    audit_detail: dict[str, Any] = field(default_factory=dict)
    fragment: Callable[..., str] = field(default=lambda template, **values: "")

    @property
    def query(self) -> dict[str, str]:
        """The query string's fields (past the secrecy check)."""
        return dict(self.request.query)

    def arg(self, name: str, default: str = "") -> str:
        """A form field on POST, else a query field, stripped."""
        return (self.form.get(name) or self.request.query.get(name) or default).strip()

    def unmasked(self, allowed: Iterable[Role]) -> bool:
        """Whether this reader sees personal data unmasked: a page is read by the one signed-in
        person, so it is judged like a private chat (docs/web.md §Masking)."""
        return unmasked_for(ChatKind.PRIVATE, self.user.roles, allowed)

    def render(self, template: str, status: int = 200, **values: Any) -> Rendered:
        """Render ``template`` (``<feature>/<file>.html``) with ``values``."""
        return Rendered(template, values, status)

    def download(
        self,
        name: str,
        body: bytes | Callable[[], bytes],
        kind: str = XLSX,
        *,
        inline: bool = False,
    ) -> web.Response:
        """A file to save (an export) or to show (``inline``: a chart's ``<img>``): its Chinese
        name kept (RFC 6266 ``filename*``), never cached; the view is audited like the page's
        (declare the page ``personal``). ``body`` may be the function that draws it (the chat
        :class:`Attachment`'s ``render``): it runs after the page's transaction committed, off
        the event loop (bot/web/files.py)."""
        self.audit_detail["file"] = name
        data, render = (body, None) if isinstance(body, bytes) else (b"", body)
        return FileResponse(Attachment(name, kind, data=data, render=render), inline=inline)


PageFunction = Callable[[PageContext], Awaitable["Rendered | EventStream | web.StreamResponse"]]


@dataclass(frozen=True, slots=True)
class Page:
    """One route of the dashboard.

    Attributes:
        path: aiohttp route path under ``/web`` (``/web/duty/{day}``).
        title: The Chinese title (tab, heading, menu).
        roles: Who may open it (as a chat command's ``roles``).
        handler: The page function.
        method: ``GET``, or ``POST`` for a form's action.
        nav: Listed in the menu (GET pages without path parameters).
        personal: Shows personal data: every view is audited.
        feature: The declaring feature.
    """

    path: str
    title: str
    roles: frozenset[Role]
    handler: PageFunction
    method: str = "GET"
    nav: bool = True
    personal: bool = False
    feature: str = ""

    def admits(self, user: UserInfo) -> bool:
        """Whether ``user`` holds a role this page admits."""
        return bool(self.roles & user.roles)


class WebPages:
    """One feature's pages and its templates folder."""

    def __init__(self, feature: str, templates: Path | None = None) -> None:
        self.feature = feature
        self.templates = templates
        self.pages: list[Page] = []

    def page(
        self,
        path: str,
        title: str,
        *,
        roles: Iterable[Role],
        method: str = "GET",
        nav: bool | None = None,
        personal: bool = False,
    ) -> Callable[[PageFunction], PageFunction]:
        """Declare a page; see the module docstring."""
        if not path.startswith("/web/"):
            raise ValueError(f"page path must start with /web/: {path}")
        admitted = frozenset(roles)
        if not admitted:
            raise ValueError(f"page {path} admits no role: every page needs a signed-in role")

        def register(handler: PageFunction) -> PageFunction:
            listed = nav if nav is not None else (method == "GET" and "{" not in path)
            self.pages.append(
                Page(path, title, admitted, handler, method, listed, personal, self.feature)
            )
            return handler

        return register

"""Rendering: one Jinja2 environment over the runtime's templates and each feature's, with
autoescaping on, and the base layout's values (menu, person, CSRF token)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, PrefixLoader, StrictUndefined, select_autoescape

from bot.core.clock import LocalTime
from bot.core.roles import UserInfo, labels
from bot.web.guard import HEADERS
from bot.web.pages import Page, WebPages

HERE = Path(__file__).parent


class Renderer:
    """Templates by ``<feature>/<file>``; ``web/…`` are the runtime's own."""

    def __init__(self, features: Iterable[WebPages], tz: LocalTime) -> None:
        folders: dict[str, FileSystemLoader] = {"web": FileSystemLoader(HERE / "templates")}
        for pages in features:
            if pages.templates is not None:
                folders[pages.feature] = FileSystemLoader(pages.templates)
        self.env = Environment(
            loader=PrefixLoader(folders),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,  # a misspelt value fails the page test, not silently
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.tz = tz
        self.env.filters["local"] = self._local

    def _local(self, when: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
        return self.tz.local(when).strftime(fmt) if when is not None else "—"

    def fragment(self, template: str, **values: Any) -> str:
        """A template rendered alone (no layout): a part a live page sends again."""
        return self.env.get_template(template).render(values)

    def html(
        self,
        template: str,
        values: dict[str, Any],
        *,
        status: int = 200,
        user: UserInfo | None = None,
        menu: Iterable[Page] = (),
        csrf: str = "",
        path: str = "",
    ) -> web.Response:
        """A rendered page with the security headers."""
        base = {
            "me": user,
            "my_roles": labels(user.roles) if user else "",
            "menu": [p for p in menu if user is not None and p.nav and p.admits(user)],
            "csrf": csrf,
            "here": path,
        }
        text = self.env.get_template(template).render({**base, **values})
        return web.Response(
            text=text, status=status, content_type="text/html", charset="utf-8", headers=HEADERS
        )

    def error(
        self,
        status: int,
        message: str,
        *,
        user: UserInfo | None = None,
        menu: Iterable[Page] = (),
        csrf: str = "",
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        """A Chinese error page (403 CSRF, 403 role, 404, 429 …)."""
        response = self.html(
            "web/error.html",
            {"status": status, "message": message, "title": TITLES.get(status, "出错了")},
            status=status,
            user=user,
            menu=menu,
            csrf=csrf,
        )
        response.headers.update(headers or {})
        return response


TITLES = {
    400: "无法处理",
    403: "无权访问",
    404: "页面不存在",
    405: "请求方式不对",
    429: "请稍后再试",
    500: "服务器出错",
}

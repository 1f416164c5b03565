"""Web dashboard test support: the real App (SQLite, demo county and roster, a clock from the
test) serving HTTP on 127.0.0.1 at a free port, a way to get a sign-in link from the console
chat, and a cookie-keeping HTTP client. Browser tests (tests/web/test_browser.py) reuse it.

Use it from a test package's conftest::

    from tests.web_support import site  # noqa: F401  (the fixture)
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pylopdf_fonts_zh_cn
import pytest

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

from bot.app import App
from bot.cli.demo import seed, seed_roster
from bot.core.clock import FakeClock, LiveClock
from bot.http.server import HttpServer
from bot.web.pages import WebPages
from handlers import WEB_PAGES
from tests.conftest import BROWSER_SKIP, CHROMIUM, START, make_config
from tests.duty_support import committed_duty
from tests.support import RecordingAdapter, incoming

LINK = re.compile(r"(http://\S+/web/login\?t=[A-Za-z]+)")


def free_port() -> int:
    """A port nothing listens on now (the link in chat names it, so it is fixed before start)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Site:
    """A started App with its dashboard at ``url``."""

    app: App
    url: str
    console: RecordingAdapter
    clock: FakeClock

    async def say(self, who: str, text: str, *, group: str | None = None) -> str:
        """``who`` sends ``text`` in the console chat (privately, or in ``group``); returns what
        the bot answered there."""
        before = len(self.console.sent)
        msg = incoming(text, sender=who, chat=group, group=group is not None)
        await self.app.dispatcher.receive(msg)
        await self.app.sender.drain()
        return "\n".join(r.text for _, r in self.console.sent[before:])

    async def link(self, who: str) -> str:
        """A fresh one-time sign-in link, asked for with /web in ``who``'s private chat."""
        answer = await self.say(who, "/web")
        found = LINK.search(answer)
        assert found, answer
        return found.group(1)

    def client(self) -> aiohttp.ClientSession:
        """An HTTP client keeping cookies (Secure ones too: 127.0.0.1 is this test's origin)."""
        jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=self.url)
        return aiohttp.ClientSession(self.url, cookie_jar=jar)

    async def sign_in(self, client: aiohttp.ClientSession, who: str) -> str:
        """Sign ``client`` in as ``who`` through a link; returns the home page's HTML."""
        page = await (await client.get(await self.link(who))).text()
        fields = dict(re.findall(r'name="(csrf|t|next)" value="([^"]*)"', page))
        async with client.post("/web/login", data=fields) as response:
            assert response.status == 200, await response.text()
            return await response.text()


def csrf_of(html: str) -> str:
    """The CSRF token a rendered page carries in its forms."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


@asynccontextmanager
async def web_site(
    db_url: str,
    clock: FakeClock,
    console: RecordingAdapter,
    pages: tuple[WebPages, ...] = (),
    **overrides: Any,
) -> AsyncIterator[Site]:
    """The demo county with a fortnight's roster and the committed duty config, its HTTP
    server started; ``pages`` are mounted after the features' (a test's own probe pages);
    ``overrides`` are config sections (``web={"idle_minutes": 5}``)."""
    port = free_port()
    web = {"link_minutes": 10, **overrides.pop("web", {})}
    overrides.setdefault("duty", committed_duty())  # incident limits, shifts as committed
    config = make_config(
        db_url, http={"enabled": True, "host": "127.0.0.1", "port": port}, web=web, **overrides
    )
    http = HttpServer("127.0.0.1", port)
    app = await App.create(
        config,
        clock=clock,
        adapters={"console": console},
        auto_upgrade=True,
        http=http,
        web_pages=(*WEB_PAGES, *pages),
    )
    try:
        async with app.sessions.begin() as session:
            await seed(session, clock.now(), timedelta(hours=24))
            await seed_roster(session, clock.now(), app.config, 14)
        await http.start()
        yield Site(app, http.url, console, clock)
    finally:
        await http.stop()
        await app.engine.dispose()


@pytest.fixture
async def site(db_url: str, clock: FakeClock, console: RecordingAdapter) -> AsyncIterator[Site]:
    """The dashboard of the demo county on 127.0.0.1 (fake clock: time moves when told)."""
    async with web_site(db_url, clock, console) as running:
        yield running


@pytest.fixture
async def live_site(sqlite_url: str, console: RecordingAdapter) -> AsyncIterator[Site]:
    """The same on SQLite with a clock that runs from the tests' start (a browser waits in real
    time, and an SSE stream sleeps on it); ``site.clock.advance`` still jumps."""
    async with web_site(sqlite_url, LiveClock(START), console) as running:
        yield running


def fontconfig(folder: Path) -> Path:
    """A fontconfig file adding the Noto Sans SC the project ships (pylopdf-fonts-zh-cn) to the
    system's fonts, so pages show Chinese on a machine without CJK fonts (CI, containers)."""
    fonts = pylopdf_fonts_zh_cn.sans_path().parent
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{fonts}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return path


@pytest.fixture
async def browser(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Browser]:
    """Headless Debian chromium driven by Playwright; skipped, saying why, without it."""
    if BROWSER_SKIP:
        pytest.skip(BROWSER_SKIP)
    from playwright.async_api import async_playwright

    fonts = fontconfig(tmp_path_factory.mktemp("fonts"))
    env = {**os.environ, "FONTCONFIG_FILE": str(fonts)}
    async with async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=str(CHROMIUM), env=env)
        try:
            yield launched
        finally:
            await launched.close()


async def open_link(page: Page, link: str) -> None:
    """Open a sign-in link in the browser and confirm it (as a person would)."""
    await page.goto(link)
    await page.click("#confirm")


async def signed_in(browser: Browser, site: Site, who: str, **context: object) -> Page:
    """A new browser context (``viewport=…`` and so on) signed in as ``who`` via a chat link."""
    page = await (await browser.new_context(**context)).new_page()  # type: ignore[arg-type]
    await open_link(page, await site.link(who))
    await page.wait_for_url("**/web/")
    return page

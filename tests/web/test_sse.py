"""Probe pages of the runtime itself. Server-sent events (bot/web/sse.py): a part is sent at once
and again when it changes, only to a signed-in reader the page admits; in a browser,
static/app.js swaps it in without reload. A download keeps its Chinese file name."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import LiveClock
from bot.core.roles import Role
from bot.store.audit import AuditLog
from bot.web.pages import PageContext, Rendered, WebPages
from bot.web.sse import EventStream, event
from models.directory.users import OrgUnit
from tests.conftest import START
from tests.support import RecordingAdapter
from tests.web_support import Site, open_link, web_site

if TYPE_CHECKING:
    from playwright.async_api import Browser

probe = WebPages("probe", Path(__file__).with_name("probe"))


async def _units(db: AsyncSession) -> str:
    count = await db.scalar(select(func.count()).select_from(OrgUnit))
    return f"<b>单位 {count} 个</b>"


@probe.page("/web/probe/live", "实时", roles={Role.LEADER, Role.OFFICER})
async def live(ctx: PageContext) -> Rendered:
    return ctx.render("probe/live.html")


@probe.page("/web/probe/stream", "实时数据", roles={Role.LEADER, Role.OFFICER})
async def stream(ctx: PageContext) -> EventStream:
    return EventStream(_units, every=0.05, lasting=5)


@probe.page("/web/probe/file", "导出", roles={Role.LEADER}, personal=True)
async def download(ctx: PageContext) -> web.Response:
    return ctx.download("督办台账 2026-11.xlsx", b"PK\x03\x04 not really a workbook")


@probe.page("/web/probe/crash", "出错", roles={Role.LEADER})
async def crash(ctx: PageContext) -> Rendered:
    raise RuntimeError("a bug in a page")


@pytest.fixture
async def probed(sqlite_url: str, console: RecordingAdapter) -> AsyncIterator[Site]:
    async with web_site(sqlite_url, LiveClock(START), console, (probe,)) as running:
        yield running


async def _add_unit(site: Site, name: str) -> None:
    async with site.app.sessions.begin() as db:
        db.add(OrgUnit(name=name))


def test_an_event_carries_each_line_as_data() -> None:
    assert event("<b>a</b>\n<i>b</i>") == b"event: message\ndata: <b>a</b>\ndata: <i>b</i>\n\n"


async def test_a_part_is_sent_now_and_again_when_it_changes(probed: Site) -> None:
    async with probed.client() as client:
        await probed.sign_in(client, "张三")
        async with client.get("/web/probe/stream") as response:
            assert response.headers["Content-Type"].startswith("text/event-stream")
            first = await response.content.readuntil(b"\n\n")
            assert "单位 8 个" in first.decode()
            await _add_unit(probed, "县教育局")
            while b"data:" not in (chunk := await response.content.readuntil(b"\n\n")):
                pass  # keep-alive comments while nothing changed
            assert "单位 9 个" in chunk.decode()


async def test_stopping_the_server_ends_open_streams_at_once(probed: Site) -> None:
    async with probed.client() as client:
        await probed.sign_in(client, "张三")
        async with client.get("/web/probe/stream") as response:
            await response.content.readuntil(b"\n\n")
            # not aiohttp's 60 s shutdown timeout (nor the stream's own 5 s)
            await asyncio.wait_for(probed.app.http.stop(), timeout=2)


async def test_a_stream_checks_the_reader_like_any_page(probed: Site) -> None:
    async with probed.client() as client:
        response = await client.get("/web/probe/stream")
        assert response.url.path == "/web/login"
        await probed.sign_in(client, "孙伟")  # 联络员: not admitted
        refused = await client.get("/web/probe/stream")
        assert refused.status == 403


async def test_a_download_keeps_its_chinese_name_and_is_audited(probed: Site) -> None:
    async with probed.client() as client:
        await probed.sign_in(client, "李明")
        response = await client.get("/web/probe/file")
        assert await response.read() == b"PK\x03\x04 not really a workbook"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert (
            "filename*=UTF-8''%E7%9D%A3%E5%8A%9E%E5%8F%B0%E8%B4%A6%202026-11.xlsx" in disposition
        )
        assert response.headers["Cache-Control"] == "no-store"
    async with probed.app.sessions() as db:
        row = await db.scalar(select(AuditLog).where(AuditLog.command == "/web/probe/file"))
    assert row is not None and row.detail["file"] == "督办台账 2026-11.xlsx"


async def test_a_crash_is_a_chinese_page_and_its_traceback_goes_to_the_log(
    probed: Site, caplog: pytest.LogCaptureFixture
) -> None:
    async with probed.client() as client:
        await probed.sign_in(client, "李明")
        response = await client.get("/web/probe/crash")
        assert response.status == 500
        text = await response.text()
    assert "服务器内部错误，已记录" in text and "RuntimeError" not in text
    assert "a bug in a page" in caplog.text


async def test_the_browser_swaps_the_part_in_without_reload(
    browser: Browser, probed: Site
) -> None:
    page = await (await browser.new_context()).new_page()
    await open_link(page, await probed.link("李明"))
    await page.wait_for_url("**/web/")
    await page.goto(probed.url + "/web/probe/live")
    await page.wait_for_selector("#live b")
    assert await page.inner_text("#live") == "单位 8 个"
    await page.evaluate("window.marker = 'same page'")
    await _add_unit(probed, "县教育局")
    # a locator, not wait_for_function: the page's CSP forbids evaluating strings
    await page.locator("#live", has_text="单位 9 个").wait_for()
    assert await page.evaluate("window.marker") == "same page"  # no reload

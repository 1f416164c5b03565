"""The HTTP server's own answers: unknown paths, wrong methods and oversized bodies as JSON with a
Chinese message; a handler's crash as a JSON 500 with its traceback in the log only."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bot.http.server import HttpServer


async def _crash(request: web.Request) -> web.Response:
    raise RuntimeError("secret internal detail")


async def _echo(request: web.Request) -> web.Response:
    return web.Response(text=str(len(await request.read())))


@pytest.fixture
async def server() -> AsyncIterator[str]:
    http = HttpServer(port=0)
    http.add_route("GET", "/crash", _crash)
    http.add_route("POST", "/echo", _echo)
    await http.start()
    yield http.url
    await http.stop()


async def test_refusals_are_json_in_chinese(server: str) -> None:
    async with aiohttp.ClientSession() as client:
        async with client.get(f"{server}/nowhere") as resp:
            assert resp.status == 404 and "没有这个接口地址" in (await resp.json())["error"]
        async with client.delete(f"{server}/echo") as resp:
            assert resp.status == 405 and "不支持此请求方法" in (await resp.json())["error"]
            assert resp.headers["Allow"] == "POST"
        big = io.BytesIO(b"x" * (2 * 1024 * 1024 + 1))
        async with client.post(f"{server}/echo", data=big) as resp:
            assert resp.status == 413 and "请求体过大" in (await resp.json())["error"]


async def test_a_crash_is_a_json_500_and_a_log_line(
    server: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with aiohttp.ClientSession() as client, client.get(f"{server}/crash") as resp:
        assert resp.status == 500
        text = await resp.text()
    assert "服务器内部错误" in text and "secret" not in text and "Traceback" not in text
    (record,) = [r for r in caplog.records if r.name == "dutybot.http" and r.exc_info]
    assert record.levelno == logging.ERROR and "GET /crash failed" in record.getMessage()

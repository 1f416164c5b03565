"""WeCom callback acknowledgement under a burst: persist-then-ack (ours) vs handle-then-ack.

A burst of encrypted ``/whoami`` callbacks (say 200 people answering a broadcast at once, 20 at a
time) goes through our HTTP server on SQLite. Ours answers once the message is stored and handles
it in the background; the baseline, in the same run, handles before answering. WeCom gives 5 s.
Also: WeCom verify+decrypt cost per message.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.adapters.wecom import WeComAdapter, create_adapter
from bot.adapters.wecom.inbound import envelope_encrypt, parse_message, to_incoming
from bot.app import App, parse_config
from bot.cli.demo import seed
from bot.http.server import HttpServer
from models.directory import binding
from models.directory.users import find_user

CORP, TOKEN = "ww1436e0e65a779aee", "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
ENV = {
    "DUTYBOT_WECOM_CORP_ID": CORP,
    "DUTYBOT_WECOM_SECRET": "bench-secret-unused",
    "DUTYBOT_WECOM_TOKEN": TOKEN,
    "DUTYBOT_WECOM_AES_KEY": KEY,
}


def _inline_route(app: App, adapter: WeComAdapter) -> Any:
    """The baseline: decrypt, then handle the command completely, then answer."""

    async def receive(request: web.Request) -> web.Response:
        q = request.query
        plain = adapter.crypto.decrypt(
            q["msg_signature"], q["timestamp"], q["nonce"], envelope_encrypt(await request.read())
        )
        msg = to_incoming(parse_message(plain))
        assert msg is not None
        await app.dispatcher.receive(msg)
        return web.Response(text="")

    return receive


def _callback(adapter: WeComAdapter, n: int, stamp: str) -> tuple[dict[str, str], bytes]:
    """Message ``n`` as WeCom posts it, stamped ``stamp`` (now: older ones are refused)."""
    plain = (
        f"<xml><ToUserName>{CORP}</ToUserName><FromUserName>zhangsan</FromUserName>"
        f"<CreateTime>{stamp}</CreateTime><MsgType>text</MsgType><Content>/whoami</Content>"
        f"<MsgId>{10_000_000 + n}</MsgId><AgentID>1</AgentID></xml>"
    )
    nonce = str(n)
    encrypt, signature = adapter.crypto.encrypt(plain, nonce, stamp)
    body = f"<xml><ToUserName>{CORP}</ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    return {"msg_signature": signature, "timestamp": stamp, "nonce": nonce}, body.encode()


async def _burst(
    url: str, requests: list[tuple[dict[str, str], bytes]], concurrency: int
) -> tuple[list[float], float]:
    samples: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def one(session: aiohttp.ClientSession, params: dict[str, str], body: bytes) -> None:
        async with gate:
            t0 = time.perf_counter()
            async with session.post(url, params=params, data=body) as resp:
                await resp.read()
                assert resp.status == 200, resp.status
            samples.append(time.perf_counter() - t0)

    started = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(one(session, p, b) for p, b in requests))
    return samples, time.perf_counter() - started


def _figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "ack_p50_ms": round(statistics.median(ordered) * 1000, 1),
        "ack_p99_ms": round(ordered[max(int(len(ordered) * 0.99) - 1, 0)] * 1000, 1),
        "ack_max_ms": round(ordered[-1] * 1000, 1),
    }


async def run(argv: list[str]) -> dict[str, Any]:
    """``python -m bench callbacks [COUNT] [CONCURRENCY]`` (default 200 messages, 20 at a time)."""
    count = int(argv[0]) if argv else 200
    concurrency = int(argv[1]) if len(argv) > 1 else 20
    with tempfile.TemporaryDirectory() as tmp:
        config = parse_config(
            {
                "database": {"url": f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"},
                "http": {"enabled": True},
                "platforms": {
                    "wecom": {
                        "enabled": True,
                        "agent_id": 1,
                        "allow_plain_http": True,
                        "api_base": "http://127.0.0.1:9",
                    }
                },
            },
            env={},
        )
        http = HttpServer("127.0.0.1", 0)
        adapter = create_adapter(config, http, ENV)
        app = await App.create(config, adapters={"wecom": adapter}, http=http)
        async with app.sessions.begin() as session:
            await seed(session, app.clock.now(), timedelta(hours=1))
            user = await find_user(session, "张三")
            await binding.bind_account(session, user, "wecom", "zhangsan", app.clock.now())
        await adapter.start(app.dispatcher)
        http.add_route("POST", "/inline", _inline_route(app, adapter))
        await http.start()
        stamp = str(int(app.clock.now().timestamp()))
        requests = [_callback(adapter, n, stamp) for n in range(2 * count + 20)]
        await _burst(f"{http.url}/inline", requests[:20], concurrency)  # warm up
        inline, inline_total = await _burst(
            f"{http.url}/inline", requests[20 : 20 + count], concurrency
        )
        started = time.perf_counter()
        ours, ack_total = await _burst(
            f"{http.url}/wecom/callback", requests[20 + count : 20 + 2 * count], concurrency
        )
        await adapter.intake.settle()
        handled_total = time.perf_counter() - started
        params, body = requests[-1]
        t0, rounds = time.perf_counter(), 2000
        encrypt = envelope_encrypt(body)
        for _ in range(rounds):
            adapter.crypto.decrypt(
                params["msg_signature"], params["timestamp"], params["nonce"], encrypt
            )
        decrypt_us = (time.perf_counter() - t0) / rounds * 1e6
        await adapter.stop()
        await http.stop()
        await app.engine.dispose()
    result: dict[str, Any] = {
        "messages": count,
        "concurrency": concurrency,
        "persist_then_ack": {
            **_figures(ours),
            "all_acked_s": round(ack_total, 2),
            "all_handled_s": round(handled_total, 2),
        },
        "handle_then_ack": {**_figures(inline), "all_acked_s": round(inline_total, 2)},
        "wecom_verify_decrypt_us": round(decrypt_us, 1),
        "within_wecom_5s": max(ours) < 5.0,
    }
    for name in ("persist_then_ack", "handle_then_ack"):
        fig = result[name]
        print(
            f"{name:<17} ack p50 {fig['ack_p50_ms']} ms  p99 {fig['ack_p99_ms']} ms  "
            f"max {fig['ack_max_ms']} ms  all acked {fig['all_acked_s']} s"
        )
    print(f"verify+decrypt {result['wecom_verify_decrypt_us']} µs per message")
    return result

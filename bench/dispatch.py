"""Command round trip on SQLite (decode → auth → transaction → audit → outbox row) vs PTB.

Baseline, in the same run: python-telegram-bot's own decode + reply of a no-op handler, with an
offline request class (no network). Target: ≥ 1,000 commands/s and p99 ≤ 10 ms for DutyBot.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.app import App, parse_config
from bot.cli.demo import seed
from bot.core.context import HandlerContext
from bot.core.messages import ChatKind, IncomingMessage
from bot.core.roles import ANY_BOUND
from bot.core.routing import Router
from bot.core.scope import UNSCOPED

bench_router = Router("bench", UNSCOPED)


@bench_router.command("ping", aliases=("测试",), roles=ANY_BOUND, help="往返测试")
async def ping(ctx: HandlerContext) -> str:
    """Reply with no other work: the cost measured is the pipeline's."""
    return "pong"


def _update(n: int, text: str) -> bytes:
    return json.dumps(
        {
            "update_id": 100000 + n,
            "message": {
                "message_id": n,
                "date": 1764118800,
                "text": text,
                "chat": {"id": 42, "type": "private", "first_name": "张三"},
                "from": {"id": 42, "is_bot": False, "first_name": "张三"},
                "entities": [
                    {"type": "bot_command", "offset": 0, "length": text.find(" ") % 99 or 5}
                ],
            },
        }
    ).encode()


def _decode(raw: bytes) -> IncomingMessage:
    """What an adapter does: bytes → neutral message (Telegram field names)."""
    data = json.loads(raw)
    message = data["message"]
    return IncomingMessage(
        platform="bench",
        chat_id=str(message["chat"]["id"]),
        chat_kind=ChatKind.PRIVATE,
        sender_id=str(message["from"]["id"]),
        text=message["text"],
        message_id=str(data["update_id"]),
        sender_name=message["from"]["first_name"],
    )


def _figures(samples: list[float], elapsed: float) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "per_second": round(len(samples) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 3),
    }


async def _dutybot(count: int, text: str, driver: str = "inline") -> dict[str, float]:
    from models.directory import binding
    from models.directory.users import find_user

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        config = parse_config({"database": {"url": url, "sqlite_driver": driver}}, env={})
        app = await App.create(config, adapters={}, routers=[bench_router])
        async with app.sessions.begin() as session:
            await seed(session, app.clock.now(), timedelta(hours=1))
            user = await find_user(session, "张三")
            await binding.bind_account(session, user, "bench", "42", app.clock.now())
        app.start_checkpoints()  # as in a running bot: WAL checkpoints on a worker thread
        raws = [_update(n, text) for n in range(count + 50)]
        for raw in raws[:50]:  # warm up caches and the connection
            await app.dispatcher.receive(_decode(raw))
        samples = []
        started = time.perf_counter()
        for raw in raws[50:]:
            t0 = time.perf_counter()
            await app.dispatcher.receive(_decode(raw))
            samples.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
        await app.stop()
    return _figures(samples, elapsed)


async def _ptb(count: int) -> dict[str, float]:
    from telegram import Update
    from telegram.ext import Application, CommandHandler, ContextTypes
    from telegram.request import BaseRequest, RequestData

    class OfflineRequest(BaseRequest):
        """Answers the Bot API locally: getMe and sendMessage."""

        async def initialize(self) -> None: ...

        async def shutdown(self) -> None: ...

        @property
        def read_timeout(self) -> float:
            return 5.0

        async def do_request(
            self,
            url: str,
            method: str,
            request_data: RequestData | None = None,
            read_timeout: object = None,
            write_timeout: object = None,
            connect_timeout: object = None,
            pool_timeout: object = None,
        ) -> tuple[int, bytes]:
            if url.endswith("getMe"):
                result: dict[str, Any] = {
                    "id": 1,
                    "is_bot": True,
                    "first_name": "DutyBot",
                    "username": "DutyBot",
                }
            else:
                params = request_data.parameters if request_data else {}
                result = {
                    "message_id": 1,
                    "date": 1764118800,
                    "text": params.get("text"),
                    "chat": {"id": params.get("chat_id"), "type": "private"},
                }
            return 200, json.dumps({"ok": True, "result": result}).encode()

    async def pong(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text("pong")

    app = (
        Application.builder()
        .token("123456:BENCH")
        .request(OfflineRequest())
        .get_updates_request(OfflineRequest())
        .build()
    )
    app.add_handler(CommandHandler("ping", pong))
    await app.initialize()
    raws = [_update(n, "/ping") for n in range(count + 50)]
    for raw in raws[:50]:
        await app.process_update(Update.de_json(json.loads(raw), app.bot))
    samples = []
    started = time.perf_counter()
    for raw in raws[50:]:
        t0 = time.perf_counter()
        await app.process_update(Update.de_json(json.loads(raw), app.bot))
        samples.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    await app.shutdown()
    return _figures(samples, elapsed)


async def run(argv: list[str]) -> dict[str, Any]:
    """``python -m bench dispatch [COUNT]`` (default 2,000 commands each)."""
    count = int(argv[0]) if argv else 2000
    ping_fig = await _dutybot(count, "/ping")
    whoami = await _dutybot(count, "/whoami")
    thread = await _dutybot(count, "/ping", driver="thread")
    ptb = await _ptb(count)
    result: dict[str, Any] = {
        "commands": count,
        "dutybot_ping": ping_fig,
        "dutybot_whoami": whoami,
        "dutybot_ping_aiosqlite_thread": thread,
        "ptb_noop_reply": ptb,
        "ratio_dutybot_ping_vs_ptb": round(ping_fig["per_second"] / ptb["per_second"], 3),
        "target_met": ping_fig["per_second"] >= 1000 and ping_fig["p99_ms"] <= 10,
    }
    for name in (
        "dutybot_ping",
        "dutybot_whoami",
        "dutybot_ping_aiosqlite_thread",
        "ptb_noop_reply",
    ):
        fig = result[name]
        print(
            f"{name:<16} {fig['per_second']:>8.1f}/s  p50 {fig['p50_ms']:.3f} ms  "
            f"p99 {fig['p99_ms']:.3f} ms"
        )
    return result

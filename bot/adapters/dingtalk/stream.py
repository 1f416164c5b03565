"""DingTalk Stream mode: robot messages over an outbound websocket, for offices without a public
address. The protocol (docs/platforms.md §DingTalk Stream mode) is small, so it is spoken here
on aiohttp rather than through the alpha ``dingtalk-stream`` SDK, whose blocking ``requests``
calls would stall the loop.

Each message is stored before it is acknowledged; an unstored one is answered with code 500 so
DingTalk delivers it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote_plus

import aiohttp

from bot.adapters.common.api import JsonClient

log = logging.getLogger("dutybot.dingtalk.stream")

BOT_TOPIC = "/v1.0/im/bot/messages/get"
MAX_BACKOFF = 60.0


def ack(frame: dict[str, Any], code: int, data: Any) -> str:
    """The acknowledgement DingTalk expects for ``frame``."""
    headers = frame.get("headers") or {}
    return json.dumps(
        {
            "code": code,
            "headers": {"messageId": headers.get("messageId"), "contentType": "application/json"},
            "message": "OK" if code == 200 else "retry",
            "data": json.dumps(data),
        }
    )


class StreamReceiver:
    """Keeps one websocket to DingTalk open, reconnecting with backoff (1 s doubling to 60 s)."""

    def __init__(
        self,
        client: JsonClient,
        api_base: str,
        app_key: str,
        app_secret: str,
        on_message: Callable[[dict[str, Any]], Awaitable[None]],
        *,
        backoff: float = 1.0,
    ) -> None:
        self.client = client
        self.api_base = api_base.rstrip("/")
        self.app_key = app_key
        self.app_secret = app_secret
        self.on_message = on_message
        self.backoff = backoff
        self.connections = 0

    async def _open(self) -> str:
        """Ask the gateway for a websocket endpoint and ticket; returns the URL to connect to."""
        status, answer = await self.client.request(
            "POST",
            f"{self.api_base}/v1.0/gateway/connections/open",
            body={
                "clientId": self.app_key,
                "clientSecret": self.app_secret,
                "subscriptions": [{"type": "CALLBACK", "topic": BOT_TOPIC}],
                "ua": "dutybot",
                "localIp": "",
            },
        )
        if status >= 400 or "endpoint" not in answer:
            raise ConnectionError(f"钉钉 Stream 连接申请被拒绝：HTTP {status} {answer}")
        return f"{answer['endpoint']}?ticket={quote_plus(str(answer['ticket']))}"

    async def run(self, stop: asyncio.Event) -> None:
        """Receive until ``stop`` is set."""
        delay = self.backoff
        async with aiohttp.ClientSession() as session:
            while not stop.is_set():
                try:
                    url = await self._open()
                    async with session.ws_connect(url, heartbeat=60) as ws:
                        self.connections += 1
                        delay = self.backoff
                        await self._serve(ws, stop)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # the network, the gateway: try again later
                    log.warning("DingTalk stream: %s; reconnecting in %.0f s", exc, delay)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), delay)
                    delay = min(delay * 2, MAX_BACKOFF)

    async def _serve(self, ws: aiohttp.ClientWebSocketResponse, stop: asyncio.Event) -> None:
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                receiving = asyncio.ensure_future(ws.receive())
                await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not receiving.done():
                    receiving.cancel()
                    return
                frame_msg = receiving.result()
                if frame_msg.type != aiohttp.WSMsgType.TEXT:
                    return  # closed or errored: reconnect
                if not await self._frame(ws, json.loads(frame_msg.data)):
                    return
        finally:
            stopping.cancel()

    async def _frame(self, ws: aiohttp.ClientWebSocketResponse, frame: dict[str, Any]) -> bool:
        """Handle one frame; False when DingTalk asked us to reconnect."""
        kind, topic = frame.get("type"), (frame.get("headers") or {}).get("topic")
        data = json.loads(frame.get("data") or "{}")
        if kind == "SYSTEM":
            await ws.send_str(ack(frame, 200, data))
            return topic != "disconnect"
        if kind == "CALLBACK" and topic == BOT_TOPIC:
            try:
                await self.on_message(data)
            except Exception:
                log.exception("DingTalk stream message not stored; asking for redelivery")
                await ws.send_str(ack(frame, 500, {"response": None}))
                return True
            await ws.send_str(ack(frame, 200, {"response": None}))
            return True
        await ws.send_str(ack(frame, 200, data))  # events we do not use
        return True

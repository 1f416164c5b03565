"""The Stream mode side of the DingTalk fake: the gateway that hands out a websocket endpoint and
ticket (``/v1.0/gateway/connections/open``), the websocket itself, frames pushed down it and the
bot's acknowledgements (docs/platforms.md §DingTalk Stream mode)."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from aiohttp import web

from bot.core.clock import Clock
from bot.testing.fakes import FakeServer


class FakeStreamGateway(FakeServer):
    """DingTalk's Stream gateway for one app (client id and secret: its AppKey and AppSecret)."""

    def __init__(self, clock: Clock | None, client_id: str, client_secret: str) -> None:
        super().__init__(clock)
        self.client_id, self.client_secret = client_id, client_secret
        self.gateway_faults: list[int] = []  # HTTP statuses for the next connection requests
        self.stream_opens = 0
        self.acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._ws: web.WebSocketResponse | None = None
        self._frames = itertools.count(1)
        self.connected = asyncio.Event()
        self.app.router.add_post("/v1.0/gateway/connections/open", self._open_stream)
        self.app.router.add_get("/stream", self._stream)

    async def _open_stream(self, request: web.Request) -> web.Response:
        if self.gateway_faults:
            return web.json_response({"code": "x"}, status=self.gateway_faults.pop(0))
        body = await request.json()
        client = (body.get("clientId"), body.get("clientSecret"))
        if client != (self.client_id, self.client_secret):
            return web.json_response({"code": "invalidClient"}, status=401)
        assert {"type": "CALLBACK", "topic": "/v1.0/im/bot/messages/get"} in body["subscriptions"]
        self.stream_opens += 1
        ws_url = self.url.replace("http://", "ws://") + "/stream"
        return web.json_response({"endpoint": ws_url, "ticket": f"t+{self.stream_opens}/="})

    async def _stream(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        if request.query.get("ticket") != f"t+{self.stream_opens}/=":
            await ws.close()
            return ws
        self._ws = ws
        self.connected.set()
        async for frame in ws:
            answer = json.loads(frame.data)
            waiter = self.acks.pop(answer["headers"]["messageId"], None)
            if waiter is not None:
                waiter.set_result(answer)
        self._closed(ws)
        return ws

    def _closed(self, ws: web.WebSocketResponse) -> None:
        if self._ws is ws:
            self._ws = None
            self.connected.clear()

    async def push(self, kind: str, topic: str, data: dict[str, Any]) -> dict[str, Any]:
        """Send a frame down the stream and wait for the bot's acknowledgement."""
        await asyncio.wait_for(self.connected.wait(), 5)
        assert self._ws is not None
        message_id = f"frame-{next(self._frames)}"
        waiter = self.acks[message_id] = asyncio.get_running_loop().create_future()
        frame = {
            "specVersion": "1.0",
            "type": kind,
            "headers": {
                "messageId": message_id,
                "topic": topic,
                "contentType": "application/json",
            },
            "data": json.dumps(data),
        }
        await self._ws.send_str(json.dumps(frame))
        return await asyncio.wait_for(waiter, 5)

    async def disconnect(self) -> None:
        """Ask the bot to reconnect, as DingTalk does before maintenance."""
        await asyncio.wait_for(self.connected.wait(), 5)
        old = self._ws
        assert old is not None
        answer = await self.push("SYSTEM", "disconnect", {"reason": "maintenance"})
        assert answer["code"] == 200
        await old.close()
        self._closed(old)

"""A local fake of open.feishu.cn (token, im/v1 messages, image and file uploads, custom bots)
plus a client that posts signed, encrypted events like Feishu. Image and file messages must
name a key it handed out; custom bots take images but not files, as on Feishu."""

from __future__ import annotations

import itertools
import json
import os
from typing import Any

from aiohttp import web

from bot.adapters.feishu.crypto import encrypt, event_signature, sign_bot
from bot.core.clock import Clock
from bot.testing.fakes import FakeServer, Upload, read_form

APP_ID = "cli_a1b2c3d4e5"
APP_SECRET = "feishu-app-secret-0123"
VERIFICATION = "vtoken-0123"
ENCRYPT_KEY = "test key"
HOOK, HOOK_SECRET = "hook-flood-0001", "demo-secret"
MB = 1024 * 1024
FILE_TYPES = {"opus", "mp4", "pdf", "doc", "xls", "ppt", "stream"}
ENV = {
    "DUTYBOT_FEISHU_APP_ID": APP_ID,
    "DUTYBOT_FEISHU_APP_SECRET": APP_SECRET,
    "DUTYBOT_FEISHU_VERIFICATION_TOKEN": VERIFICATION,
    "DUTYBOT_FEISHU_ENCRYPT_KEY": ENCRYPT_KEY,
    "DUTYBOT_FEISHU_ROBOT_FLOOD_HOOK": HOOK,
    "DUTYBOT_FEISHU_ROBOT_FLOOD_SECRET": HOOK_SECRET,
}


class FakeFeishu(FakeServer):
    """Tenant token, message send/edit and custom bot webhooks, as open.feishu.cn answers."""

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__(clock)
        self.tokens = 0
        self.token = ""
        self.edits: list[tuple[str, dict[str, Any]]] = []
        self.messages: dict[str, dict[str, Any]] = {}  # message id → the body it was sent with
        self._ids = itertools.count(1)
        r = self.app.router
        r.add_post("/open-apis/auth/v3/tenant_access_token/internal", self._token)
        r.add_post("/open-apis/im/v1/messages", self._send)
        r.add_put("/open-apis/im/v1/messages/{id}", self._edit)
        r.add_patch("/open-apis/im/v1/messages/{id}", self._edit)
        r.add_post("/open-apis/bot/v2/hook/{hook}", self._hook)
        r.add_post("/open-apis/im/v1/images", self._image)
        r.add_post("/open-apis/im/v1/files", self._file)

    async def _token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (body.get("app_id"), body.get("app_secret")) != (APP_ID, APP_SECRET):
            return web.json_response({"code": 10014, "msg": "app secret invalid"})
        self.tokens += 1
        self.token = f"t-{self.tokens}"
        return web.json_response(
            {"code": 0, "msg": "ok", "tenant_access_token": self.token, "expire": 7200}
        )

    async def _authorised(self, request: web.Request) -> web.Response | None:
        if (fault := await self.fault()) is not None:
            return fault
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            body = {"code": 99991663, "msg": "Invalid access token for authorization."}
            return web.json_response(body, status=400)
        return None

    async def _send(self, request: web.Request) -> web.Response:
        if (refused := await self._authorised(request)) is not None:
            return refused
        body = await request.json()
        if (unknown := self._unknown_key(body)) is not None:
            return unknown
        prefix = "chat:" if request.query.get("receive_id_type") == "chat_id" else ""
        self.accept(prefix + body["receive_id"], body)
        message_id = f"om_{next(self._ids)}"
        self.messages[message_id] = body
        return web.json_response({"code": 0, "msg": "success", "data": {"message_id": message_id}})

    async def _edit(self, request: web.Request) -> web.Response:
        if (refused := await self._authorised(request)) is not None:
            return refused
        message_id, body = request.match_info["id"], await request.json()
        original = self.messages.get(message_id, {})
        if request.method == "PATCH" and original.get("msg_type") == "interactive":
            config = json.loads(original["content"]).get("config", {})
            if not config.get("update_multi"):  # only a shared card may be updated
                answer = {"code": 230001, "msg": "card is not shared (config.update_multi)"}
                return web.json_response(answer, status=400)
        self.edits.append((message_id, body))
        return web.json_response({"code": 0, "msg": "success", "data": {}})

    async def _hook(self, request: web.Request) -> web.Response:
        if (fault := await self.fault()) is not None:
            return fault
        body = await request.json()
        if request.match_info["hook"] != HOOK:
            return web.json_response({"code": 19001, "msg": "param invalid: incoming webhook"})
        if body.get("sign") != sign_bot(HOOK_SECRET, int(body.get("timestamp", 0))):
            return web.json_response({"code": 19021, "msg": "sign match fail"})
        if body.get("msg_type") not in ("text", "post", "image", "share_chat", "interactive"):
            return web.json_response({"code": 19002, "msg": "msg_type invalid"})
        if (unknown := self._unknown_key(body)) is not None:
            return unknown
        self.accept("robot:flood", body)
        return web.json_response({"code": 0, "msg": "success", "data": {}})

    async def _image(self, request: web.Request) -> web.Response:
        if (refused := await self._authorised(request)) is not None:
            return refused
        fields, files = await read_form(request)
        image = files.get("image")
        if fields.get("image_type") != "message" or image is None:
            return web.json_response({"code": 234001, "msg": "Invalid request param."}, status=400)
        if len(image.data) > 10 * MB or not image.data.startswith((b"\x89PNG", b"\xff\xd8")):
            return web.json_response({"code": 234011, "msg": "Can't regonnize image format."})
        return self._keep_key(image, "img_v3_", "image_key")

    async def _file(self, request: web.Request) -> web.Response:
        if (refused := await self._authorised(request)) is not None:
            return refused
        fields, files = await read_form(request)
        file = files.get("file")
        if fields.get("file_type") not in FILE_TYPES or not fields.get("file_name") or not file:
            return web.json_response({"code": 234001, "msg": "Invalid request param."}, status=400)
        if len(file.data) > 30 * MB:
            return web.json_response(
                {"code": 234006, "msg": "The file size exceed the max value."}
            )
        upload = Upload(fields["file_type"], fields["file_name"], file.mime, file.data)
        return self._keep_key(upload, "file_v3_", "file_key")

    def _keep_key(self, upload: Upload, prefix: str, key: str) -> web.Response:
        data = {key: self.keep(upload, prefix)}
        return web.json_response({"code": 0, "msg": "success", "data": data})

    def _unknown_key(self, body: dict[str, Any]) -> web.Response | None:
        """Image and file messages must name an uploaded key."""
        kind = body.get("msg_type")
        if kind not in ("image", "file"):
            return None
        content = body["content"]
        content = json.loads(content) if isinstance(content, str) else content
        if content.get(f"{kind}_key") in self.uploads:
            return None
        return web.json_response({"code": 230001, "msg": "invalid key"}, status=400)

    def texts(self, receiver: str) -> list[str]:
        """Text (or a card's markdown) sent to ``receiver``."""
        out = []
        for body in self.to(receiver):
            content = body.get("card") or body.get("content")
            content = json.loads(content) if isinstance(content, str) else content
            if content is not None and body.get("msg_type") not in ("image", "file"):
                out.append(content.get("text") or content["elements"][0]["content"])
        return out

    def files(self, receiver: str) -> list[tuple[str, Upload]]:
        """(message type, file) of each image or file message sent to ``receiver``."""
        out = []
        for body in self.to(receiver):
            kind = body.get("msg_type")
            if kind in ("image", "file"):
                content = body["content"]
                content = json.loads(content) if isinstance(content, str) else content
                out.append((kind, self.uploads[content[f"{kind}_key"]]))
        return out

    def message_event(
        self, sender: str, text: str, event_id: str, group: str | None = None
    ) -> dict[str, Any]:
        """An ``im.message.receive_v1`` event (schema 2.0); a group message @-mentions the bot."""
        mentions = [{"key": "@_user_1", "id": {"open_id": "ou_bot"}, "name": "值班助手"}]
        return {
            "schema": "2.0",
            "header": {
                "event_id": event_id,
                "event_type": "im.message.receive_v1",
                "token": VERIFICATION,
                "app_id": APP_ID,
            },
            "event": {
                "sender": {"sender_id": {"open_id": sender}, "sender_type": "user"},
                "message": {
                    "message_id": f"om_in_{event_id}",
                    "chat_id": group or f"oc_p2p_{sender}",
                    "chat_type": "group" if group else "p2p",
                    "message_type": "text",
                    "content": json.dumps({"text": f"@_user_1 {text}" if group else text}),
                    "mentions": mentions if group else [],
                },
            },
        }

    def sealed(
        self, event: dict[str, Any], *, key: str = ENCRYPT_KEY, stamp: str | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """``event`` encrypted as Feishu sends it: (body, signature headers), stamped now
        unless ``stamp`` is given, with a random nonce."""
        raw = json.dumps({"encrypt": encrypt(key, json.dumps(event), os.urandom(16))}).encode()
        stamp, nonce = stamp or str(int(self.now())), os.urandom(6).hex()
        return raw, {
            "X-Lark-Request-Timestamp": stamp,
            "X-Lark-Request-Nonce": nonce,
            "X-Lark-Signature": event_signature(stamp, nonce, key, raw),
        }

    async def post_event(
        self, url: str, event: dict[str, Any], *, key: str = ENCRYPT_KEY, sign: bool = True
    ) -> tuple[int, dict[str, Any]]:
        """Encrypt ``event`` and POST it, with Feishu's signature headers unless not ``sign``
        (Feishu sends the URL challenge unsigned)."""
        raw, headers = self.sealed(event, key=key)
        status, text = await self.post(
            url, raw, {"Content-Type": "application/json", **(headers if sign else {})}
        )
        return status, json.loads(text)

"""A local fake of DingTalk's OpenAPI, oapi media uploads, custom robots and sessionWebhooks,
plus a client that posts signed robot callbacks like DingTalk (its Stream gateway:
bot/testing/dingtalk_stream.py). Image and file messages must name uploaded media; webhooks
(custom robots, sessionWebhooks) take no file messages. A custom robot takes 20 messages in any
minute; the 21st gets errcode 130101 and the robot is throttled for 10 minutes, as DingTalk
publishes (docs/platforms.md §DingTalk limits and errors)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from typing import Any

from aiohttp import web

from bot.core.clock import Clock
from bot.testing.dingtalk_stream import FakeStreamGateway
from bot.testing.fakes import RateWindow, Upload, read_form

APP_KEY = "dingappkey0123"
APP_SECRET = "this is a secret"
ROBOT_TOKEN = "robot-token-flood"
ROBOT_SECRET = "SEC0123456789abcdef/+="
WEBHOOK_TYPES = ("text", "markdown", "actionCard", "link", "feedCard")  # no files
ROBOT_PER_MINUTE, BAN_SECONDS = 20, 600
TOO_FAST = {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
FILE_ENDINGS = ("doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "pdf", "rar")
ENV = {
    "DUTYBOT_DINGTALK_APP_KEY": APP_KEY,
    "DUTYBOT_DINGTALK_APP_SECRET": APP_SECRET,
    "DUTYBOT_DINGTALK_ROBOT_FLOOD_TOKEN": ROBOT_TOKEN,
    "DUTYBOT_DINGTALK_ROBOT_FLOOD_SECRET": ROBOT_SECRET,
}


def _b64_hmac(secret: str, stamp: str) -> str:
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class FakeDingTalk(FakeStreamGateway):
    """api.dingtalk.com (token, 1:1 and group robot sends), oapi robot/send, sessionWebhooks."""

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__(clock, APP_KEY, APP_SECRET)
        self._last_ms = 0
        self.tokens = 0
        self.token = ""
        self.session_hits = 0
        self.robots = {ROBOT_TOKEN: ("flood", ROBOT_SECRET)}  # access_token → (name, secret)
        self.robot_window = RateWindow(ROBOT_PER_MINUTE, 60)
        self.banned_until: dict[str, float] = {}  # robot token → end of its 10-minute throttle
        self._ids = itertools.count(1)
        r = self.app.router
        r.add_post("/v1.0/oauth2/accessToken", self._access_token)
        r.add_post("/v1.0/robot/oToMessages/batchSend", self._batch_send)
        r.add_post("/v1.0/robot/groupMessages/send", self._group_send)
        r.add_post("/robot/send", self._custom_robot)
        r.add_post("/media/upload", self._upload)
        r.add_post("/v1.0/robot/messageFiles/download", self._download_url)
        r.add_get("/files/{code}", self._file)
        r.add_post("/session/{chat}", self._session)

    async def _access_token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (body.get("appKey"), body.get("appSecret")) != (APP_KEY, APP_SECRET):
            return web.json_response({"code": "invalidClientId", "message": "x"}, status=400)
        self.tokens += 1
        self.token = f"TOKEN-{self.tokens}"
        return web.json_response({"accessToken": self.token, "expireIn": 7200})

    async def _authorised(self, request: web.Request) -> web.Response | None:
        await request.read()  # first: a delay fault then carries the call out late
        if (fault := await self.fault()) is not None:
            return fault
        if request.headers.get("x-acs-dingtalk-access-token") != self.token:
            body = {"code": "InvalidAuthentication", "message": "token invalid"}
            return web.json_response(body, status=401)
        return None

    async def _upload(self, request: web.Request) -> web.Response:
        if (fault := await self.fault()) is not None:
            return fault
        if request.query.get("access_token") != self.token:
            return web.json_response({"errcode": 40014, "errmsg": "不合法的access_token"})
        kind, (_, files) = request.query.get("type"), await read_form(request)
        media = files.get("media")
        if kind not in ("image", "file") or media is None:
            return web.json_response({"errcode": 40004, "errmsg": "不合法的媒体文件类型"})
        ending = media.name.rpartition(".")[2].lower()
        picture = media.data.startswith((b"\x89PNG", b"\xff\xd8", b"GIF8", b"BM"))
        if len(media.data) > 20 * 1024 * 1024 or (kind == "image" and not picture):
            return web.json_response({"errcode": 40006, "errmsg": "不合法的文件"})
        if kind == "file" and ending not in FILE_ENDINGS:
            return web.json_response({"errcode": 40005, "errmsg": "不合法的文件类型"})
        media_id = self.keep(media, "@lA")
        return web.json_response({"errcode": 0, "errmsg": "ok", "media_id": media_id})

    async def _download_url(self, request: web.Request) -> web.Response:
        """``robot/messageFiles/download``: a short-lived URL for a file someone sent."""
        if (refused := await self._authorised(request)) is not None:
            return refused
        body = await request.json()
        if body.get("robotCode") != APP_KEY or body.get("downloadCode") not in self.uploads:
            answer = {"code": "invalidParameter.downloadCode", "message": "downloadCode无效"}
            return web.json_response(answer, status=400)
        return web.json_response({"downloadUrl": f"{self.url}/files/{body['downloadCode']}"})

    async def _file(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["code"])
        if upload is None:
            return web.Response(status=404)
        return web.Response(body=upload.data, content_type=upload.mime)

    def file_message(
        self, sender: str, msg_id: str, name: str, mime: str, data: bytes
    ) -> dict[str, Any]:
        """A robot callback body with a picture (``name`` empty) or a file someone sent; the
        download API then serves ``data``."""
        code = self.keep(Upload("file", name, mime, data), "dl-")
        body = self.message(sender, "", msg_id)
        del body["text"]
        if name:
            body["msgtype"] = "file"
            body["content"] = {"downloadCode": code, "fileName": name, "spaceId": "1"}
        else:
            body["msgtype"] = "picture"
            body["content"] = {"downloadCode": code, "pictureDownloadCode": f"p{code}"}
        return body

    def _unknown_media(self, body: dict[str, Any]) -> web.Response | None:
        """sampleImageMsg and sampleFile must name uploaded media."""
        param = json.loads(body["msgParam"])
        media = {"sampleImageMsg": "photoURL", "sampleFile": "mediaId"}.get(body["msgKey"])
        if media is None or param.get(media) in self.uploads:
            return None
        body = {"code": "invalidParameter.media", "message": "media not found"}
        return web.json_response(body, status=400)

    def _webhook_type(self, body: dict[str, Any]) -> web.Response | None:
        if body.get("msgtype") in WEBHOOK_TYPES:
            return None
        return web.json_response({"errcode": 40008, "errmsg": "不合法的消息类型"})

    async def _batch_send(self, request: web.Request) -> web.Response:
        if (refused := await self._authorised(request)) is not None:
            return refused
        body = await request.json()
        if (unknown := self._unknown_media(body)) is not None:
            return unknown
        for user in body["userIds"]:
            self.accept(user, body)
        return web.json_response({"processQueryKey": f"pq{next(self._ids)}"})

    async def _group_send(self, request: web.Request) -> web.Response:
        if (refused := await self._authorised(request)) is not None:
            return refused
        body = await request.json()
        if (unknown := self._unknown_media(body)) is not None:
            return unknown
        self.accept(f"group:{body['openConversationId']}", body)
        return web.json_response({"processQueryKey": f"pq{next(self._ids)}"})

    async def _custom_robot(self, request: web.Request) -> web.Response:
        if (fault := await self.fault()) is not None:
            return fault
        q = request.query  # already URL-decoded once, as DingTalk decodes it
        token = q.get("access_token", "")
        if token not in self.robots:
            return web.json_response({"errcode": 300001, "errmsg": "token is not exist"})
        name, secret = self.robots[token]
        if q.get("sign") != _b64_hmac(secret, q.get("timestamp", "")):
            return web.json_response({"errcode": 310000, "errmsg": "sign not match"})
        body = await request.json()
        if (refused := self._webhook_type(body)) is not None:
            return refused
        now = self.now()
        if now < self.banned_until.get(token, 0.0) or not self.robot_window.take(token, now):
            self.throttled += 1
            if now >= self.banned_until.get(token, 0.0):  # a new throttle starts
                self.banned_until[token] = now + BAN_SECONDS
            return web.json_response(TOO_FAST)
        self.accept(f"robot:{name}", body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _session(self, request: web.Request) -> web.Response:
        if (fault := await self.fault()) is not None:
            return fault
        body = await request.json()
        if (refused := self._webhook_type(body)) is not None:
            return refused
        self.session_hits += 1
        self.accept(request.match_info["chat"], body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    def add_robot(self, name: str, token: str, secret: str) -> None:
        """A custom robot this fake answers for (its messages show as ``robot:<name>``)."""
        self.robots[token] = (name, secret)

    def texts(self, receiver: str) -> list[str]:
        """What ``receiver`` was sent (webhook bodies or OpenAPI msgParam)."""
        out = []
        for body in self.to(receiver):
            if body.get("msgKey") in ("sampleImageMsg", "sampleFile"):
                continue
            if "msgParam" in body:
                param = json.loads(body["msgParam"])
                out.append(param.get("content") or param.get("text", ""))
            else:
                kind = body["msgtype"]
                out.append(body[kind].get("content") or body[kind].get("text", ""))
        return out

    def files(self, receiver: str) -> list[tuple[dict[str, Any], Upload]]:
        """(msgParam, uploaded file) of each image or file message sent to ``receiver``."""
        out = []
        for body in self.to(receiver):
            if body.get("msgKey") in ("sampleImageMsg", "sampleFile"):
                param = json.loads(body["msgParam"])
                out.append((param, self.uploads[param.get("photoURL") or param["mediaId"]]))
        return out

    def message(
        self, sender: str, text: str, msg_id: str, *, group: str | None = None, ttl_s: int = 5400
    ) -> dict[str, Any]:
        """A robot callback body; its sessionWebhook points back at this fake."""
        now = int(self.now() * 1000)
        chat = f"group:{group}" if group else sender
        return {
            "msgtype": "text",
            "text": {"content": f" {text}"},
            "msgId": msg_id,
            "createAt": now,
            "conversationType": "2" if group else "1",
            "conversationId": group or f"cid-{sender}",
            "conversationTitle": group or "",
            "senderId": f"$:LWCP_v1:${sender}",
            "senderNick": sender,
            "senderStaffId": sender,
            "sessionWebhook": f"{self.url}/session/{chat}",
            "sessionWebhookExpiredTime": now + ttl_s * 1000,
            "isInAtList": True,
            "robotCode": APP_KEY,
        }

    def signed(self, stamp: str | None = None, secret: str = APP_SECRET) -> dict[str, str]:
        """DingTalk's ``timestamp``/``sign`` headers: now, unless ``stamp`` is given. Two
        requests are a millisecond apart at least, as on DingTalk, though the test clock stands
        still: the sign covers only the stamp, so equal stamps would be one signature."""
        if stamp is None:
            self._last_ms = max(int(self.now() * 1000), self._last_ms + 1)
            stamp = str(self._last_ms)
        return {"timestamp": stamp, "sign": _b64_hmac(secret, stamp)}

    async def callback(
        self, url: str, body: dict[str, Any], *, stamp: str | None = None, secret: str = APP_SECRET
    ) -> int:
        """POST ``body`` to our callback ``url`` with DingTalk's ``timestamp``/``sign`` headers."""
        headers = {**self.signed(stamp, secret), "Content-Type": "application/json"}
        status, _ = await self.post(url, json.dumps(body).encode(), headers)
        return status

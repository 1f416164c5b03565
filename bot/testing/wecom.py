"""A local fake of qyapi.weixin.qq.com plus a client that posts encrypted callbacks like WeCom.

It enforces WeCom's published send limits (docs/platforms.md §WeCom limits): a group robot
takes 20 messages in any minute and answers 45009 beyond; the app's ``message/send`` (and
``appchat/send``) take 2,000 calls a minute across the corp (45009 beyond); one member gets at
most 30 app messages a minute and 1,000 an hour — more are silently dropped, as WeCom does
(answered ok, counted in ``dropped``). An app message sent with ``enable_duplicate_check: 1``
whose request (less the two check fields) equals one delivered to the same receiver within
``duplicate_check_interval`` seconds is answered ok and not delivered (``deduplicated``) —
our reading of "同样内容(请求json)的消息" (docs/platforms.md §WeCom duplicate check).

It takes media uploads (app ``media/upload``, robot ``webhook/upload_media``) with WeCom's size
and type rules, and checks that image and file messages name media it holds (or, for a robot's
image, carry base64 whose MD5 matches, 2 MB at most). ``media/get`` serves what a person sent
(:meth:`FakeWeCom.media_message` holds it and builds the callback) with its type and name.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.adapters.wecom.crypto import WeComCrypto
from bot.core.clock import Clock
from bot.testing.fakes import FakeServer, RateWindow, Upload, read_form

CORP_ID = "ww1436e0e65a779aee"
SECRET = "app-secret-0123456789"
TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
MB = 1024 * 1024
LIMITS = {"image": 10 * MB, "file": 20 * MB}  # media/upload
PICTURES = (b"\x89PNG", b"\xff\xd8\xff")  # PNG and JPEG are the image types WeCom takes
ENV = {
    "DUTYBOT_WECOM_CORP_ID": CORP_ID,
    "DUTYBOT_WECOM_SECRET": SECRET,
    "DUTYBOT_WECOM_TOKEN": TOKEN,
    "DUTYBOT_WECOM_AES_KEY": AES_KEY,
    "DUTYBOT_WECOM_ROBOT_FLOOD": "robot-key-flood",
}
ROBOT_PER_MINUTE = 20  # each group robot [official, doc 91770]
APP_CALLS_PER_MINUTE = 2000  # one API, whole corp [3rd, doc 90236 mirror]
MEMBER_PER_MINUTE, MEMBER_PER_HOUR = 30, 1000  # app messages to one member [3rd]
FREQ = {"errcode": 45009, "errmsg": "api freq out of limit"}
CHECK_FIELDS = ("enable_duplicate_check", "duplicate_check_interval")


class FakeWeCom(FakeServer):
    """Token endpoint, app message/appchat send and robot webhooks, as qyapi answers them."""

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__(clock)
        self.tokens = 0
        self.token = ""
        self.unknown_users: set[str] = set()
        self.robot_throttled = 0  # of ``throttled``: robots answered 45009
        self.dropped = 0  # app messages over a member's limit: WeCom drops them silently
        self.deduplicated = 0  # app messages dropped by the duplicate check
        self.checks: list[int] = []  # duplicate_check_interval of each checked app message
        self._delivered: dict[tuple[str, str], float] = {}  # (receiver, content) → last sent
        self.robot_window = RateWindow(ROBOT_PER_MINUTE, 60)
        self.app_window = RateWindow(APP_CALLS_PER_MINUTE, 60)
        self.member_windows = (
            RateWindow(MEMBER_PER_MINUTE, 60),
            RateWindow(MEMBER_PER_HOUR, 3600),
        )
        self.crypto = WeComCrypto(TOKEN, AES_KEY, CORP_ID)
        self._ids = itertools.count(1)
        self.app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        self.app.router.add_post("/cgi-bin/message/send", self._app_send)
        self.app.router.add_post("/cgi-bin/appchat/send", self._app_send)
        self.app.router.add_post("/cgi-bin/webhook/send", self._robot)
        self.app.router.add_post("/cgi-bin/media/upload", self._upload)
        self.app.router.add_post("/cgi-bin/webhook/upload_media", self._robot_upload)
        self.app.router.add_get("/cgi-bin/media/get", self._media_get)

    def expire_token(self) -> None:
        """WeCom revoked the current token (it expired early)."""
        self.token = "revoked"

    async def _gettoken(self, request: web.Request) -> web.Response:
        if request.query.get("corpsecret") != SECRET or request.query.get("corpid") != CORP_ID:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        self.tokens += 1
        self.token = f"TOKEN-{self.tokens}"
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "access_token": self.token, "expires_in": 7200}
        )

    async def _app_send(self, request: web.Request) -> web.Response:
        body = await request.json()  # first: a delay fault then carries the call out late
        if (fault := await self.fault()) is not None:
            return fault
        if request.query.get("access_token") != self.token:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        if not self.app_window.take(request.path, self.now()):
            self.throttled += 1
            return web.json_response(FREQ)
        receiver = body.get("touser") or f"appchat:{body.get('chatid')}"
        if not all(window.take(receiver, self.now()) for window in self.member_windows):
            self.dropped += 1  # over the member's limit: "ok", and nothing arrives
            return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": "dropped"})
        if receiver in self.unknown_users:
            return web.json_response({"errcode": 0, "errmsg": "ok", "invaliduser": receiver})
        kind = body.get("msgtype")
        if kind in ("image", "file") and body[kind].get("media_id") not in self.uploads:
            return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        if self._duplicate(receiver, body):
            self.deduplicated += 1
            return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": "duplicate"})
        self.accept(receiver, body)
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": f"msg{next(self._ids)}"})

    def _duplicate(self, receiver: str, body: dict[str, Any]) -> bool:
        """Whether the duplicate check drops ``body``; records it as delivered if not."""
        content = json.dumps(
            {k: v for k, v in body.items() if k not in CHECK_FIELDS}, sort_keys=True
        )
        last, now = self._delivered.get((receiver, content)), self.now()
        interval = int(body.get("duplicate_check_interval", 1800))
        if body.get("enable_duplicate_check") == 1:
            self.checks.append(interval)
            if last is not None and now - last < interval:
                return True
        self._delivered[(receiver, content)] = now
        return False

    async def _robot(self, request: web.Request) -> web.Response:
        if (fault := await self.fault()) is not None:
            return fault
        key = request.query.get("key", "")
        if not key.startswith("robot-key-"):
            return web.json_response({"errcode": 93000, "errmsg": "invalid webhook url"})
        body = await request.json()
        if not self.robot_window.take(key, self.now()):
            self.throttled += 1
            self.robot_throttled += 1
            return web.json_response(FREQ)
        if body.get("msgtype") == "image":
            data = base64.b64decode(body["image"]["base64"])
            if hashlib.md5(data).hexdigest() != body["image"]["md5"] or len(data) > 2 * MB:
                return web.json_response({"errcode": 40009, "errmsg": "invalid image"})
        elif body.get("msgtype") == "file" and body["file"].get("media_id") not in self.uploads:
            return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        self.accept(f"robot:{key}", body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _upload(self, request: web.Request) -> web.Response:
        if (fault := await self.fault()) is not None:
            return fault
        if request.query.get("access_token") != self.token:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        kind = request.query.get("type", "")
        return await self._media(request, kind, LIMITS.get(kind, 0))

    async def _robot_upload(self, request: web.Request) -> web.Response:
        if not request.query.get("key", "").startswith("robot-key-"):
            return web.json_response({"errcode": 93000, "errmsg": "invalid webhook url"})
        return await self._media(request, request.query.get("type", ""), LIMITS["file"])

    async def _media(self, request: web.Request, kind: str, limit: int) -> web.Response:
        """Keep the ``media`` part if it fits ``kind``'s rules, as WeCom answers it."""
        _, files = await read_form(request)
        upload = files.get("media")
        if kind not in LIMITS or upload is None:
            return web.json_response({"errcode": 40004, "errmsg": "invalid media type"})
        if not 5 < len(upload.data) <= limit:
            return web.json_response({"errcode": 40006, "errmsg": "invalid file size"})
        if kind == "image" and not upload.data.startswith(PICTURES):
            return web.json_response({"errcode": 40005, "errmsg": "invalid file type"})
        media_id = self.keep(upload, f"{kind}-")
        answer = {"errcode": 0, "errmsg": "ok", "type": kind, "media_id": media_id}
        return web.json_response({**answer, "created_at": str(int(self.now()))})

    async def _media_get(self, request: web.Request) -> web.Response:
        """The bytes of a held media id, named as WeCom names them (RFC 5987 for Chinese)."""
        if request.query.get("access_token") != self.token:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        upload = self.uploads.get(request.query.get("media_id", ""))
        if upload is None:
            return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        disposition = f"attachment; filename*=UTF-8''{quote(upload.name)}"
        return web.Response(
            body=upload.data,
            content_type=upload.mime,
            headers={"Content-Disposition": disposition},
        )

    def media_message(self, sender: str, kind: str, name: str, mime: str, data: bytes) -> str:
        """The plaintext of an image or file message whose media ``media/get`` then serves."""
        media_id = self.keep(Upload("media", name, mime, data), "in-")
        return (
            f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{sender}]]></FromUserName>"
            f"<CreateTime>{int(self.now())}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>"
            f"<PicUrl><![CDATA[http://p.qpic.cn/{media_id}]]></PicUrl>"
            f"<MediaId><![CDATA[{media_id}]]></MediaId><MsgId>{next(self._ids)}</MsgId>"
            "<AgentID>1000002</AgentID></xml>"
        )

    def files(self, receiver: str) -> list[tuple[str, Upload]]:
        """(message type, file) of each image or file message sent to ``receiver``."""
        out = []
        for body in self.to(receiver):
            kind = body["msgtype"]
            if kind == "image" and "base64" in body["image"]:
                data = base64.b64decode(body["image"]["base64"])
                out.append((kind, Upload("base64", "", "image/png", data)))
            elif kind in ("image", "file"):
                out.append((kind, self.uploads[body[kind]["media_id"]]))
        return out

    def texts(self, receiver: str) -> list[str]:
        """Text and markdown contents sent to ``receiver``."""
        out = []
        for body in self.to(receiver):
            kind = body["msgtype"]
            if kind in ("text", "markdown"):
                out.append(body[kind]["content"])
        return out

    async def callback(
        self, url: str, sender: str, text: str, msg_id: str, *, json_body: bool = False
    ) -> int:
        """POST an encrypted text message to our callback ``url`` as WeCom would."""
        plain = self.text_message(sender, text, msg_id, json_body=json_body)
        return await self.post_plain(url, plain, json_body=json_body)

    def text_message(self, sender: str, text: str, msg_id: str, *, json_body: bool = False) -> str:
        """The plaintext of a text message (XML, or WeCom's JSON form)."""
        created = str(int(self.now()))
        if json_body:
            return (
                f'{{"ToUserName":"{CORP_ID}","FromUserName":"{sender}","CreateTime":{created},'
                f'"MsgType":"text","Content":"{text}","MsgId":"{msg_id}","AgentID":1000002}}'
            )
        return (
            f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{sender}]]></FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId>"
            "<AgentID>1000002</AgentID></xml>"
        )

    def sealed(
        self, plain: str, *, json_body: bool = False, stamp: str | None = None
    ) -> tuple[dict[str, str], bytes]:
        """``plain`` encrypted in WeCom's XML or JSON envelope: (query parameters, body),
        stamped now unless ``stamp`` is given, with a nonce of its own."""
        nonce, stamp = str(next(self._ids)), stamp or str(int(self.now()))
        encrypt, signature = self.crypto.encrypt(plain, nonce, stamp)
        if json_body:
            data = json.dumps({"tousername": CORP_ID, "encrypt": encrypt, "agentid": 1000002})
        else:
            data = (
                f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID>"
                "</xml>"
            )
        return {"msg_signature": signature, "timestamp": stamp, "nonce": nonce}, data.encode()

    def url_check(self, echo: str, *, stamp: str | None = None) -> dict[str, str]:
        """The query of the GET WeCom sends when the callback URL is saved: ``echo`` encrypted
        as ``echostr``, signed like a message."""
        nonce, stamp = str(next(self._ids)), stamp or str(int(self.now()))
        echostr, signature = self.crypto.encrypt(echo, nonce, stamp)
        return {"msg_signature": signature, "timestamp": stamp, "nonce": nonce, "echostr": echostr}

    async def post_plain(
        self, url: str, plain: str, *, json_body: bool = False, sign: str | None = None
    ) -> int:
        """Encrypt ``plain`` and POST it in WeCom's XML or JSON envelope; returns the status."""
        params, data = self.sealed(plain, json_body=json_body)
        if sign is not None:
            params["msg_signature"] = sign
        status, _ = await self.post(url, data, params=params)
        return status

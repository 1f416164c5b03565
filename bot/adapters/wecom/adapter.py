"""WeCom (企业微信) adapter: self-built app callbacks in, app messages and group robots out.

Addresses (after ``wecom:``): ``<userid>`` or ``user:<userid>`` — a person, through the app
(the private address equals the binding's external id); ``robot:<name>`` — a group robot
(消息推送) named in ``platforms.wecom.robots``; ``appchat:<chatid>`` — an app-created group chat.
A picture or file someone sends the app is fetched with ``media/get`` before the callback is
answered (it comes without a caption). A reply's file is uploaded before anything is sent (a
failed upload sends nothing), then goes after the text as an image or file message (app:
``media/upload``); a robot sends a picture up to 2 MB inline (base64) and anything else as a
file it uploaded (``webhook/upload_media``).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.adapters.common.api import FilePart, JsonClient, MediaCache
from bot.adapters.common.guard import CallbackGuard, Refused
from bot.adapters.common.intake import Intake
from bot.adapters.common.text import button_hint
from bot.adapters.wecom.api import WeComApi
from bot.adapters.wecom.crypto import WeComCrypto, WeComCryptoError
from bot.adapters.wecom.inbound import (
    PLATFORM,
    envelope_encrypt,
    media_of,
    parse_message,
    to_incoming,
)
from bot.adapters.wecom.outbound import (
    CARD_BUTTONS,
    app_bodies,
    card,
    duplicate_check,
    robot_bodies,
)
from bot.config import WeComConfig
from bot.core.clock import Clock, SystemClock
from bot.core.errors import DeliveryError
from bot.core.messages import Attachment, InboundFile, Reply

if TYPE_CHECKING:
    from bot.core.dispatcher import Dispatcher
    from bot.http.server import HttpServer

log = logging.getLogger("dutybot.wecom")

APP_IMAGE_BYTES = 10 * 1024 * 1024  # media/upload takes images up to 10 MB (files 20 MB)
ROBOT_IMAGE_BYTES = 2 * 1024 * 1024  # a robot's image message carries at most 2 MB
MEDIA_SECONDS = 2.5 * 86400  # uploaded media last three days


class WeComAdapter:
    """Speaks to WeCom through one self-built app and any number of group robots."""

    platform = PLATFORM

    def __init__(
        self,
        config: WeComConfig,
        http: HttpServer,
        *,
        corp_id: str,
        secret: str,
        crypto: WeComCrypto,
        robot_keys: dict[str, str],
        clock: Clock | None = None,
    ) -> None:
        self.config = config
        self.clock = clock or SystemClock()
        self.http = http
        self.crypto = crypto
        self.robot_keys = robot_keys
        self.client = JsonClient(PLATFORM, config.timeout_seconds)
        self.api = WeComApi(self.client, config.api_base, corp_id, secret)
        self.media = MediaCache(MEDIA_SECONDS)
        self.guard = CallbackGuard(
            PLATFORM,
            self.clock,
            window_seconds=config.callback_window_seconds,
            max_bytes=config.max_body_kb * 1024,
        )
        self.intake = Intake()

    def is_group(self, address: str) -> bool:
        """Robots and app chats are groups (robots: 20 messages a minute each)."""
        return address.startswith(("robot:", "appchat:"))

    async def start(self, dispatcher: Dispatcher) -> None:
        """Register the callback URL (GET for verification, POST for messages)."""
        self.intake.attach(dispatcher)
        self.http.add_route("GET", self.config.callback_path, self._verify)
        self.http.add_route("POST", self.config.callback_path, self._receive)

    async def stop(self) -> None:
        """Finish messages being handled, then close connections."""
        await self.intake.settle()
        await self.client.close()

    def _sighting(self, request: web.Request, data: str) -> str:
        """The sighting key of a request signed over ``data``: 403 when unsigned, stale or
        forged. A retry WeCom signs afresh passes and is dropped by the inbox (same MsgId)."""
        q = request.query
        sig, stamp, nonce = q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", "")
        genuine = self.crypto.signs(sig, stamp, nonce, data)
        return self.guard.sighting(stamp, genuine, sig.lower(), stamp, nonce)

    async def _verify(self, request: web.Request) -> web.Response:
        """The URL check when the callback is saved: answer the decrypted ``echostr``.

        The echo is signed like a message, so this must not decrypt a captured message for
        whoever replays it: the same window and sightings apply, and a plaintext that is a
        message (XML or JSON) is refused.
        """
        echostr = request.query.get("echostr", "")
        try:
            signature = self._sighting(request, echostr)
            q = request.query
            echo = self.crypto.verify_url(q["msg_signature"], q["timestamp"], q["nonce"], echostr)
            if echo.lstrip().startswith(("<", "{")):
                raise Refused(403, "echostr decrypts to a message, not an echo")
            await self.guard.admit(self.intake, None, signature)
        except WeComCryptoError as exc:
            return self.guard.answer(request, Refused(400, f"URL verification: {exc}"))
        except Refused as refused:
            return self.guard.answer(request, refused)
        return web.Response(text=echo)

    async def _receive(self, request: web.Request) -> web.Response:
        """A message or event: signed over its ciphertext, stored with that signature."""
        q = request.query
        try:
            encrypt = envelope_encrypt(await self.guard.read(request))
            signature = self._sighting(request, encrypt)
            plain = self.crypto.decrypt(q["msg_signature"], q["timestamp"], q["nonce"], encrypt)
            fields = parse_message(plain)
            msg = to_incoming(fields)
            if msg is not None and (media := media_of(fields)) is not None:
                msg = replace(msg, file=await self._fetch(*media))
            await self.guard.admit(self.intake, msg, signature)
        except WeComCryptoError as exc:
            return self.guard.answer(request, Refused(400, str(exc)))
        except Refused as refused:
            return self.guard.answer(request, refused)
        return web.Response(text="")

    async def _fetch(self, media_id: str, name: str, mime: str) -> InboundFile:
        """A picture or file someone sent, from ``media/get`` before WeCom gets its answer;
        empty when it cannot be fetched (the core asks the sender to send it again)."""
        try:
            got = await self.api.media_get(media_id)
        except DeliveryError as exc:
            log.warning("wecom media %s could not be fetched: %s", media_id, exc)
            return InboundFile(name, mime or "application/octet-stream", b"")
        return InboundFile(got.name or name, got.mime or mime, got.data)

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        """Send ``reply``; WeCom cannot edit text messages, so an edit is a new message."""
        return await self._send(address, reply, {})

    async def send_again(
        self, address: str, reply: Reply, edit_of: str | None, since: datetime | None
    ) -> str:
        """Send a row again after an attempt that may have delivered it (queued at ``since``):
        a person's app messages ask WeCom to drop what that attempt delivered (outbound.py)."""
        most = self.config.duplicate_check_seconds
        return await self._send(address, reply, duplicate_check(since, self.clock.now(), most))

    async def _send(self, address: str, reply: Reply, check: dict[str, Any]) -> str:
        kind, _, ident = address.partition(":")
        if kind == "robot":
            return await self._send_robot(ident, reply)
        if kind == "appchat":
            return await self._send_app("/cgi-bin/appchat/send", {"chatid": ident}, reply, {})
        user = ident if kind == "user" else address
        to = {"touser": user, "agentid": self.config.agent_id}
        return await self._send_app("/cgi-bin/message/send", to, reply, check)

    def send_cost(self, address: str, reply: Reply) -> int:
        """Messages a send of ``reply`` to ``address`` makes (pieces, a button card, a file):
        the sender takes as many slots of the app's overall limit (bot/delivery/limits.py)."""
        kind = address.partition(":")[0]
        if kind == "robot":
            return 1  # robots are paced per robot, not against the app's limit
        cards = self._cards(reply, person=kind != "appchat")
        return len(app_bodies(reply, cards)) + cards + (reply.attachment is not None)

    def _cards(self, reply: Reply, person: bool) -> bool:
        """Whether the buttons go as a template card after the text (private chats only)."""
        return (
            person
            and self.config.template_cards
            and bool(reply.buttons)
            and sum(len(row) for row in reply.buttons) <= CARD_BUTTONS
        )

    async def _send_app(
        self, path: str, to: dict[str, Any], reply: Reply, extra: dict[str, Any]
    ) -> str:
        """To a person (``touser``) or an app chat, with ``extra`` (a duplicate check)."""
        cards = self._cards(reply, person="touser" in to)
        bodies = app_bodies(reply, cards)
        if reply.attachment is not None:
            bodies.append(await self._app_file(reply.attachment))
        ids = []
        for body in bodies:
            answer = await self.api.call(path, {**to, **extra, **body})
            if answer.get("invaliduser"):
                raise DeliveryError(
                    f"企业微信未投递：接收人 {answer['invaliduser']} 无效或不在应用可见范围",
                    permanent=True,
                )
            ids.append(str(answer.get("msgid", "")))
        if cards:
            try:
                await self.api.call(path, {**to, **extra, **card(reply)})
            except DeliveryError as exc:
                if not exc.permanent:
                    raise
                log.warning("template card refused (%s); sending the buttons as text", exc)
                hint = {"msgtype": "text", "text": {"content": button_hint(reply)}}
                await self.api.call(path, {**to, **extra, **hint})
        return ids[0] if ids and ids[0] else f"wecom-{secrets.token_hex(6)}"

    async def _app_file(self, file: Attachment) -> dict[str, Any]:
        """Upload the file for the app (once per three days) and the message that shows it."""
        kind = "image" if file.is_photo and len(file.data) <= APP_IMAGE_BYTES else "file"
        part = FilePart("media", file.name, file.mime, file.data)
        media_id = await self.media.get(
            f"app:{kind}", file.data, lambda: self.api.upload(kind, part)
        )
        return {"msgtype": kind, kind: {"media_id": media_id}}

    async def _robot_file(self, key: str, file: Attachment) -> dict[str, Any]:
        """A picture inline (base64 and MD5); anything else uploaded for this robot."""
        if file.is_photo and len(file.data) <= ROBOT_IMAGE_BYTES:
            encoded = base64.b64encode(file.data).decode("ascii")
            digest = hashlib.md5(file.data, usedforsecurity=False).hexdigest()
            return {"msgtype": "image", "image": {"base64": encoded, "md5": digest}}
        part = FilePart("media", file.name, file.mime, file.data)
        media_id = await self.media.get(
            f"robot:{key}", file.data, lambda: self.api.robot_upload(key, part)
        )
        return {"msgtype": "file", "file": {"media_id": media_id}}

    async def _send_robot(self, name: str, reply: Reply) -> str:
        key = self.robot_keys.get(name)
        if key is None:
            known = "、".join(self.robot_keys) or "无"
            raise DeliveryError(
                f"未配置企业微信机器人「{name}」（已配置：{known}）：请在 platforms.wecom.robots "
                "中添加并设置对应环境变量",
                permanent=True,
            )
        bodies = robot_bodies(reply)
        if reply.attachment is not None:
            bodies.append(await self._robot_file(key, reply.attachment))
        for body in bodies:
            await self.api.robot(key, body)
        return f"wecom-robot-{secrets.token_hex(6)}"

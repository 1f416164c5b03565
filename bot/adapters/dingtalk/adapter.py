"""DingTalk (钉钉) adapter: enterprise-internal app robot callbacks in; replies through the
sessionWebhook while fresh, else OpenAPI robot sends; custom robots for channel groups.
Messages arrive by HTTP callback or, with ``mode: stream``, over an outbound websocket.

Addresses (after ``dingtalk:``): ``<staffId>`` — a person (equals the binding's external id);
``group:<openConversationId>`` — a group the app robot is in; ``robot:<name>`` — a custom robot
named in ``platforms.dingtalk.robots``.

A picture or file someone sends the app robot (private chat or group) is downloaded through
``robot/messageFiles/download`` before the callback is answered; it comes without a caption.
A reply's file is uploaded first (oapi ``media/upload``) and sent after the text through the
OpenAPI (``sampleImageMsg`` / ``sampleFile``; a session webhook cannot carry files). A custom
robot cannot send files at all: there the text carries a note on how else to get the file.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from bot.adapters.common.api import FilePart, JsonClient, MediaCache, dumps
from bot.adapters.common.guard import CallbackGuard, Refused
from bot.adapters.common.intake import Intake
from bot.adapters.common.text import split_bytes, with_hints, without_file
from bot.adapters.dingtalk.api import DingTalkApi
from bot.adapters.dingtalk.inbound import (
    GROUP_PREFIX,
    PLATFORM,
    SessionWebhooks,
    download_of,
    to_incoming,
)
from bot.adapters.dingtalk.signing import WINDOW_S, callback_signed
from bot.adapters.dingtalk.stream import StreamReceiver
from bot.config import DingTalkConfig
from bot.core.clock import Clock, SystemClock
from bot.core.errors import DeliveryError
from bot.core.messages import Attachment, InboundFile, IncomingMessage, Mention, Reply, TextFormat
from bot.http.body import loads

if TYPE_CHECKING:
    from bot.core.dispatcher import Dispatcher
    from bot.http.server import HttpServer

log = logging.getLogger("dutybot.dingtalk")

PIECE_BYTES = 4000  # DingTalk's text limits are undocumented; stay well inside msgParam's 15 000
MEDIA_SECONDS = 2 * 86400  # uploaded media ids are kept for a while; re-upload well before


class DingTalkAdapter:
    """Speaks to DingTalk through one app robot and any number of custom robots."""

    platform = PLATFORM

    def __init__(
        self,
        config: DingTalkConfig,
        http: HttpServer | None,
        *,
        app_key: str,
        app_secret: str,
        robots: dict[str, dict[str, str]],
        clock: Clock | None = None,
    ) -> None:
        self.config = config
        self.http = http
        self.app_secret = app_secret
        self.robot_code = config.robot_code or app_key
        self.robots = robots
        self.clock = clock or SystemClock()
        self.client = JsonClient(PLATFORM, config.timeout_seconds)
        self.api = DingTalkApi(self.client, config.api_base, config.oapi_base, app_key, app_secret)
        self.hooks = SessionWebhooks(
            config.session_webhook_margin_seconds, config.session_webhook_origins
        )
        self.media = MediaCache(MEDIA_SECONDS)
        self.guard = CallbackGuard(
            PLATFORM, self.clock, window_seconds=WINDOW_S, max_bytes=config.max_body_kb * 1024
        )
        self.intake = Intake()
        self.stream = (
            StreamReceiver(self.client, config.api_base, app_key, app_secret, self._accept)
            if config.mode == "stream"
            else None
        )
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def is_group(self, address: str) -> bool:
        """Groups and custom robots (20 messages a minute per robot)."""
        return address.startswith((GROUP_PREFIX, "robot:"))

    async def start(self, dispatcher: Dispatcher) -> None:
        """Open the stream, or register the robot's message callback URL."""
        self.intake.attach(dispatcher)
        if self.stream is not None:
            self._stop.clear()
            self._task = asyncio.create_task(self.stream.run(self._stop), name="dingtalk-stream")
        elif self.http is not None:
            self.http.add_route("POST", self.config.callback_path, self._receive)

    async def stop(self) -> None:
        """Close the stream, finish messages being handled, then close connections."""
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self.intake.settle()
        await self.client.close()

    def now_ms(self) -> int:
        """Now on the injected clock, in milliseconds (DingTalk's unit)."""
        return int(self.clock.now().timestamp() * 1000)

    async def _accept(self, body: dict[str, Any]) -> None:
        """Store one robot message from the stream and remember its reply webhook."""
        msg = await self._with_file(to_incoming(body), body)
        if msg is not None:
            await self.intake.accept(msg)
            self.hooks.remember(msg.chat_id, body, self.now_ms())

    async def _with_file(
        self, msg: IncomingMessage | None, body: dict[str, Any]
    ) -> IncomingMessage | None:
        """``msg`` with the picture or file its body names, downloaded now (empty when it
        cannot be: the core then asks the sender to send it again)."""
        found = download_of(body)
        if msg is None or found is None:
            return msg
        code, name, mime = found
        try:
            got = await self.api.download(code, self.robot_code)
        except DeliveryError as exc:
            log.warning("dingtalk file of message %s not downloaded: %s", msg.message_id, exc)
            return replace(msg, file=InboundFile(name, mime or "application/octet-stream", b""))
        generic = got.mime in ("", "application/octet-stream")
        file = InboundFile(name or got.name, mime if generic and mime else got.mime, got.data)
        return replace(msg, file=file)

    async def _receive(self, request: web.Request) -> web.Response:
        """An HTTP callback. Its ``sign`` covers the timestamp only, not the body, so each one is
        accepted once (docs/platforms.md §DingTalk callbacks); the body's sessionWebhook is used
        only on an allowed origin."""
        try:
            raw = await self.guard.read(request)
            stamp, sign = request.headers.get("timestamp", ""), request.headers.get("sign", "")
            genuine = callback_signed(self.app_secret, stamp, sign)
            signature = self.guard.sighting(stamp, genuine, stamp, sign, per_second=1000)
            try:
                body = loads(raw)
            except ValueError:
                body = None
            if not isinstance(body, dict):
                raise Refused(400, "body is not a JSON object")
            msg = await self._with_file(to_incoming(body), body)
            await self.guard.admit(self.intake, msg, signature)
        except Refused as refused:
            return self.guard.answer(request, refused)
        if msg is not None:  # stored: only now may its webhook carry replies
            self.hooks.remember(msg.chat_id, body, self.now_ms())
        return web.json_response({})

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        """Send ``reply`` (DingTalk robots cannot edit, so an edit is a new message)."""
        kind, _, ident = address.partition(":")
        if kind == "robot":
            return await self._send_custom(ident, reply)
        group = kind == "group"
        mentions = list(reply.mentions)
        # Uploaded before anything is sent: a failed upload sends nothing.
        file = await self._file(reply.attachment) if reply.attachment else None
        ids = []
        for piece in self._pieces(reply, private=not group):
            ids.append(
                await self._send_piece(address, ident if group else address, piece, mentions)
            )
            mentions = []  # mention once, on the first piece
        if file is not None:
            ids.append(await self._openapi(address, ident if group else address, *file))
        return next((i for i in ids if i), f"dingtalk-{secrets.token_hex(6)}")

    async def _file(self, file: Attachment) -> tuple[str, dict[str, Any]]:
        """Upload the file (once per content) and the OpenAPI message that shows it."""
        kind = "image" if file.is_photo else "file"
        part = FilePart("media", file.name, file.mime, file.data)
        media_id = await self.media.get(kind, file.data, lambda: self.api.upload(kind, part))
        if kind == "image":
            return "sampleImageMsg", {"photoURL": media_id}
        ending = file.name.rpartition(".")[2].lower() if "." in file.name else "file"
        return "sampleFile", {"mediaId": media_id, "fileName": file.name, "fileType": ending}

    def _pieces(self, reply: Reply, *, private: bool) -> list[tuple[str, str]]:
        """``(format, text)`` pieces. In a private chat buttons are tappable ``dtmd`` links
        that send the command as the user's own message; groups get typed hints."""
        text, markdown = reply.text, reply.format is TextFormat.MARKDOWN
        if reply.buttons and private:
            links = "  ".join(
                f"[{b.label}](dtmd://dingtalkclient/sendMessage?content={quote(b.command)})"
                for row in reply.buttons
                for b in row
            )
            text, markdown = f"{text}\n\n{links}", True
        elif reply.buttons:
            text = with_hints(reply)
        kind = "markdown" if markdown else "text"
        return [(kind, piece) for piece in split_bytes(text, PIECE_BYTES) if piece.strip()]

    async def _send_piece(
        self, address: str, ident: str, piece: tuple[str, str], mentions: list[Mention]
    ) -> str:
        kind, text = piece
        hook = self.hooks.fresh(address, self.now_ms())
        if hook is not None:
            try:
                users = [m.user_id for m in mentions]
                await self.api.webhook(hook, _webhook_body(kind, text, users))
                return ""
            except DeliveryError as exc:
                if exc.retry_after:
                    raise
                log.info("sessionWebhook for %s refused (%s); using OpenAPI", address, exc)
                self.hooks.forget(address)
        if mentions:  # OpenAPI sends cannot @ people: name them in the text
            text = " ".join(f"@{m.name}" for m in mentions) + "\n" + text
        key, param = (
            ("sampleMarkdown", {"title": _title(text), "text": text})
            if kind == "markdown"
            else ("sampleText", {"content": text})
        )
        return await self._openapi(address, ident, key, param)

    async def _openapi(self, address: str, ident: str, key: str, param: dict[str, Any]) -> str:
        """One OpenAPI robot message (``msgKey`` ``key``) to a group or a person."""
        common = {"robotCode": self.robot_code, "msgKey": key, "msgParam": dumps(param)}
        if address.startswith(GROUP_PREFIX):
            answer = await self.api.call(
                "/v1.0/robot/groupMessages/send", {**common, "openConversationId": ident}
            )
        else:
            answer = await self.api.call(
                "/v1.0/robot/oToMessages/batchSend", {**common, "userIds": [ident]}
            )
            if ident in (answer.get("invalidStaffIdList") or []):
                raise DeliveryError(f"钉钉用户 {ident} 无效或不在应用可见范围", permanent=True)
            if ident in (answer.get("flowControlledStaffIdList") or []):
                raise DeliveryError(f"钉钉对用户 {ident} 限流", retry_after=60.0)
        return str(answer.get("processQueryKey", ""))

    async def _send_custom(self, name: str, reply: Reply) -> str:
        robot = self.robots.get(name)
        if robot is None:
            known = "、".join(self.robots) or "无"
            raise DeliveryError(
                f"未配置钉钉机器人「{name}」（已配置：{known}）：请在 platforms.dingtalk.robots "
                "中添加并设置对应环境变量",
                permanent=True,
            )
        reply = without_file(reply, "钉钉自定义机器人不能发送文件")
        users = [m.user_id for m in reply.mentions]
        for kind, text in self._pieces(reply, private=False):
            body = _webhook_body(kind, text, users)
            await self.api.custom_robot(robot["_TOKEN"], robot["_SECRET"], body, self.now_ms())
            users = []  # mention once, on the first piece
        return f"dingtalk-robot-{secrets.token_hex(6)}"


def _title(text: str) -> str:
    """A markdown message's title (shown in the chat list): the first line, shortened."""
    return (text.strip().splitlines() or ["通知"])[0].lstrip("#* ")[:20] or "通知"


def _webhook_body(kind: str, text: str, users: list[str]) -> dict[str, Any]:
    """A robot webhook message; a mention needs ``@userid`` in the text as well as in ``at``."""
    if users:
        text = f"{text}\n" + " ".join(f"@{u}" for u in users)
    content: dict[str, Any] = (
        {"title": _title(text), "text": text} if kind == "markdown" else {"content": text}
    )
    return {"msgtype": kind, kind: content, "at": {"atUserIds": users, "isAtAll": False}}

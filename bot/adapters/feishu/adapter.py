"""Feishu (飞书) adapter: event callbacks in; the app bot (``im/v1/messages``) and custom bots out.

Addresses (after ``feishu:``): ``<open_id>`` — a person (equals the binding's external id);
``chat:<chat_id>`` — a group the app bot is in; ``robot:<name>`` — a custom bot named in
``platforms.feishu.robots``. Buttons are card buttons whose press comes back as the command.
A reply's file is uploaded by the app first (``im/v1/images`` or ``im/v1/files``) and sent as an
image or file message after the text; a custom bot shows pictures the app uploaded but cannot
send files, so there the text carries a note on how else to get the file.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.adapters.common.api import FilePart, JsonClient, MediaCache, dumps
from bot.adapters.common.guard import CallbackGuard, Refused
from bot.adapters.common.intake import Intake
from bot.adapters.common.text import split_bytes, with_hints, without_file
from bot.adapters.feishu.api import FeishuApi
from bot.adapters.feishu.crypto import FeishuCryptoError, event_signed
from bot.adapters.feishu.inbound import GROUP_PREFIX, PLATFORM, open_event, to_incoming
from bot.config import FeishuConfig
from bot.core.clock import Clock, SystemClock
from bot.core.errors import DeliveryError
from bot.core.messages import Attachment, Reply, TextFormat

if TYPE_CHECKING:
    from bot.core.dispatcher import Dispatcher
    from bot.http.server import HttpServer

log = logging.getLogger("dutybot.feishu")

PIECE_BYTES = 8000  # custom bots take 20 KB bodies; cards 30 KB
IMAGE_BYTES = 10 * 1024 * 1024  # im/v1/images takes up to 10 MB; larger pictures go as files
KEY_SECONDS = 30 * 86400  # image and file keys do not expire; re-upload now and then anyway
# im/v1/files file_type by file name ending; anything else uploads as "stream".
FILE_TYPES = {
    ".pdf": "pdf",
    ".doc": "doc",
    ".docx": "doc",
    ".xls": "xls",
    ".xlsx": "xls",
    ".ppt": "ppt",
    ".pptx": "ppt",
}


def _card(text: str, reply: Reply, group: bool, buttons: bool) -> dict[str, Any]:
    """An interactive card: the text as markdown, then one action row per button row."""
    elements: list[dict[str, Any]] = [{"tag": "markdown", "content": text}]
    if buttons:
        for row in reply.buttons:
            actions = [
                {
                    "tag": "button",
                    "text": {"tag": "plain_text", "content": b.label},
                    "type": "primary",
                    "value": {"command": b.command, "group": group},
                }
                for b in row
            ]
            elements.append({"tag": "action", "actions": actions})
    # update_multi: a shared card, the only kind a later PATCH of the message may update.
    return {"config": {"wide_screen_mode": True, "update_multi": True}, "elements": elements}


class FeishuAdapter:
    """Speaks to Feishu through one self-built app bot and any number of custom bots."""

    platform = PLATFORM

    def __init__(
        self,
        config: FeishuConfig,
        http: HttpServer,
        *,
        app_id: str,
        app_secret: str,
        verification_token: str,
        encrypt_key: str,
        robots: dict[str, dict[str, str]],
        clock: Clock | None = None,
    ) -> None:
        self.config = config
        self.http = http
        self.verification_token = verification_token
        self.encrypt_key = encrypt_key
        self.robots = robots
        self.clock = clock or SystemClock()
        self.client = JsonClient(PLATFORM, config.timeout_seconds)
        self.api = FeishuApi(self.client, config.api_base, app_id, app_secret)
        self.media = MediaCache(KEY_SECONDS)
        self.guard = CallbackGuard(
            PLATFORM,
            self.clock,
            window_seconds=config.callback_window_seconds,
            max_bytes=config.max_body_kb * 1024,
        )
        self.intake = Intake()

    def is_group(self, address: str) -> bool:
        """Group chats and custom bots."""
        return address.startswith((GROUP_PREFIX, "robot:"))

    async def start(self, dispatcher: Dispatcher) -> None:
        """Register the event (and card action) callback URL."""
        self.intake.attach(dispatcher)
        self.http.add_route("POST", self.config.callback_path, self._receive)

    async def stop(self) -> None:
        """Finish messages being handled, then close connections."""
        await self.intake.settle()
        await self.client.close()

    async def _receive(self, request: web.Request) -> web.Response:
        """An event or card action. Every one must be signed, except the URL challenge, which
        Feishu sends unsigned and which stores nothing (docs/platforms.md §Feishu events)."""
        h = request.headers
        stamp, nonce = h.get("X-Lark-Request-Timestamp", ""), h.get("X-Lark-Request-Nonce", "")
        sign = h.get("X-Lark-Signature", "")
        try:
            raw = await self.guard.read(request)
            genuine = event_signed(stamp, nonce, self.encrypt_key, raw, sign)
            # Checked before decrypting whenever there is a signature to check.
            signature = self.guard.sighting(stamp, genuine, stamp, nonce, sign) if sign else ""
            body = open_event(raw, self.encrypt_key, self.verification_token)
            if body.get("type") == "url_verification":
                return web.json_response({"challenge": body.get("challenge", "")})
            if not signature:
                raise Refused(403, "unsigned: no X-Lark-Signature on an event")
            msg = to_incoming(body)
            await self.guard.admit(self.intake, msg, signature)
        except FeishuCryptoError as exc:
            return self.guard.answer(request, Refused(400, str(exc)))
        except Refused as refused:
            return self.guard.answer(request, refused)
        if msg is not None and msg.is_button:
            toast = {"type": "info", "content": f"已发送「{msg.text[:20]}」"}
            return web.json_response({"toast": toast})
        return web.json_response({})

    def _messages(self, address: str, reply: Reply) -> list[tuple[str, dict[str, Any]]]:
        """``(msg_type, content)`` pieces; cards for markdown or buttons (on the last piece)."""
        group = address.startswith(GROUP_PREFIX)
        tags = "".join(f'<at user_id="{m.user_id}">{m.name}</at> ' for m in reply.mentions)
        text = f"{tags}\n{reply.text}" if tags else reply.text
        if not text.strip():  # a file sent without words
            return []
        pieces = split_bytes(text, PIECE_BYTES)
        if reply.format is not TextFormat.MARKDOWN and not reply.buttons:
            return [("text", {"text": p}) for p in pieces]
        last = len(pieces) - 1
        return [
            ("interactive", _card(p, reply, group, i == last and bool(reply.buttons)))
            for i, p in enumerate(pieces)
        ]

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        """Send ``reply``, or edit message ``edit_of`` in place when Feishu allows it."""
        kind, _, ident = address.partition(":")
        if kind == "robot":
            return await self._send_custom(ident, reply)
        pieces = self._messages(address, reply)
        if reply.attachment is not None:  # uploaded before anything is sent; never an edit
            pieces.append(await self._file(reply.attachment))
        elif edit_of and len(pieces) == 1:
            msg_type, content = pieces[0]
            try:
                # Text is edited with PUT, cards with PATCH (content only).
                if msg_type == "text":
                    body = {"msg_type": "text", "content": dumps(content)}
                    await self.api.call("PUT", f"/open-apis/im/v1/messages/{edit_of}", body)
                else:
                    body = {"content": dumps(content)}
                    await self.api.call("PATCH", f"/open-apis/im/v1/messages/{edit_of}", body)
                return edit_of
            except DeliveryError as exc:
                if not exc.permanent:
                    raise
                log.info("Feishu refused to edit %s (%s); sending a new message", edit_of, exc)
        id_type = "chat_id" if kind == "chat" else "open_id"
        receiver = ident if kind == "chat" else address
        ids = []
        for msg_type, content in pieces:
            answer = await self.api.call(
                "POST",
                "/open-apis/im/v1/messages",
                {"receive_id": receiver, "msg_type": msg_type, "content": dumps(content)},
                params={"receive_id_type": id_type},
            )
            ids.append(str((answer.get("data") or {}).get("message_id", "")))
        return ids[0] or f"feishu-{secrets.token_hex(6)}"

    async def _file(self, file: Attachment) -> tuple[str, dict[str, Any]]:
        """Upload the file through the app (once per content) and the message that shows it."""
        image = file.is_photo and len(file.data) <= IMAGE_BYTES
        if image:
            part = FilePart("image", file.name, file.mime, file.data, (("image_type", "message"),))
        else:
            suffix = "." + file.name.rpartition(".")[2].lower()
            fields = (("file_type", FILE_TYPES.get(suffix, "stream")), ("file_name", file.name))
            part = FilePart("file", file.name, file.mime, file.data, fields)
        key = await self.media.get(
            "image" if image else "file", file.data, lambda: self.api.upload(part, image)
        )
        return ("image", {"image_key": key}) if image else ("file", {"file_key": key})

    async def _send_custom(self, name: str, reply: Reply) -> str:
        robot = self.robots.get(name)
        if robot is None:
            known = "、".join(self.robots) or "无"
            raise DeliveryError(
                f"未配置飞书机器人「{name}」（已配置：{known}）：请在 platforms.feishu.robots "
                "中添加并设置对应环境变量",
                permanent=True,
            )
        # Custom bots cannot call back, so buttons become typed hints for the app bot; they show
        # pictures the app uploaded, but cannot send files.
        file = reply.attachment
        if file is not None and not (file.is_photo and len(file.data) <= IMAGE_BYTES):
            reply, file = without_file(reply, "飞书自定义机器人不能发送文件"), None
        plain = Reply(with_hints(reply), reply.format, mentions=reply.mentions)
        messages = self._messages("robot:", plain)
        if file is not None:
            messages.append(await self._file(file))
        for msg_type, content in messages:
            key = "card" if msg_type == "interactive" else "content"
            body = {"msg_type": msg_type, key: content}
            now_s = int(self.clock.now().timestamp())
            await self.api.custom_bot(robot["_HOOK"], robot["_SECRET"], body, now_s)
        return f"feishu-robot-{secrets.token_hex(6)}"

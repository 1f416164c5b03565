"""Files on the local Bot API server: sendPhoto and sendDocument as multipart/form-data (the
file in its field or behind ``attach://name``), with Telegram's caption and size limits; and
files people send, which getFile names and ``/file/bot<token>/<path>`` serves (20 MB at most,
as for a bot on the real Bot API)."""

from __future__ import annotations

import struct
import time
from typing import TYPE_CHECKING

from aiohttp import web

from bot.testing.fakes import Upload
from bot.testing.telegram.fake_rules import ApiReply
from bot.testing.telegram.fake_updates import Json, Sent
from bot.testing.telegram.markup import visible_text

if TYPE_CHECKING:
    from bot.testing.telegram.fake_bot_api import FakeBotApi

MB = 1024 * 1024
MAX_CAPTION = 1024
MAX_PHOTO, MAX_DOCUMENT = 10 * MB, 50 * MB
MAX_GET_FILE = 20 * MB
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16 + b"\xff\xd9"
"""A tiny JPEG the server holds as photo ``P1`` (what :meth:`caption_update` sends)."""


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR chunk (None for anything else)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _check_photo(upload: Upload) -> None:
    if len(upload.data) > MAX_PHOTO:
        raise ApiReply(400, "Bad Request: PHOTO_SAVE_FILE_INVALID")
    size = png_size(upload.data)
    if size is not None and (sum(size) > 10000 or max(size) > 20 * min(size)):
        raise ApiReply(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")


def message_json(api: FakeBotApi, sent: Sent) -> Json:
    """The Message object the server answers a send with."""
    message: Json = {
        "message_id": sent.message_id,
        "from": {"id": api.bot_id, "is_bot": True, "first_name": "值班助手"},
        "chat": api.chat(sent.chat_id),
        "date": int(time.time()),
    }
    file: Upload | None = sent.file
    if file is None:
        return {**message, "text": sent.text}
    ident = {"file_id": f"F{sent.chat_id}_{sent.message_id}", "file_unique_id": "u"}
    if file.field == "photo":
        width, height = png_size(file.data) or (1, 1)
        message["photo"] = [{**ident, "width": width, "height": height}]
    else:
        message["document"] = {**ident, "file_name": file.name, "mime_type": file.mime}
    return {**message, "caption": sent.text} if sent.text else message


class MediaMethods:
    """sendPhoto, sendDocument and getFile, mixed into the server."""

    token: str
    hosted: dict[str, tuple[str, bytes]]

    def host(self, file_id: str, path: str, data: bytes) -> str:
        """Hold ``data`` as a file people sent; returns ``file_id`` for an update to carry."""
        self.hosted[file_id] = (path, data)
        return file_id

    async def api_getFile(self, params: Json) -> Json:
        found = self.hosted.get(str(params.get("file_id", "")))
        if found is None:
            raise ApiReply(400, "Bad Request: invalid file_id")
        path, data = found
        if len(data) > MAX_GET_FILE:
            raise ApiReply(400, "Bad Request: file is too big")
        file_id = str(params["file_id"])
        return {
            "file_id": file_id,
            "file_unique_id": "u",
            "file_size": len(data),
            "file_path": path,
        }

    async def serve_file(self, request: web.Request) -> web.Response:
        """GET ``/file/bot<token>/<path>``: the bytes getFile named."""
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        data = next((d for p, d in self.hosted.values() if p == path), None)
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    async def api_sendPhoto(self, params: Json) -> Json:
        return await send_file(self, params, "photo")  # type: ignore[arg-type]

    async def api_sendDocument(self, params: Json) -> Json:
        return await send_file(self, params, "document")  # type: ignore[arg-type]


async def send_file(api: FakeBotApi, params: Json, field: str) -> Json:
    """sendPhoto (``field`` photo) or sendDocument (``field`` document)."""
    chat_id = int(params["chat_id"])
    api._check_chat(chat_id)
    value = params.get(field)
    if isinstance(value, str) and value.startswith("attach://"):
        value = params.get(value.removeprefix("attach://"))
    if not isinstance(value, Upload):
        raise ApiReply(400, f"Bad Request: there is no {field} in the request")
    caption = visible_text(str(params.get("caption", "")), params.get("parse_mode"))
    if len(caption.encode("utf-16-le")) // 2 > MAX_CAPTION:
        raise ApiReply(400, "Bad Request: message caption is too long")
    if field == "photo":
        _check_photo(value)
    elif len(value.data) > MAX_DOCUMENT:
        raise ApiReply(400, "Bad Request: file is too big")
    keyboard = (params.get("reply_markup") or {}).get("inline_keyboard", [])
    api._throttle(chat_id)
    sent = Sent(next(api._msg_ids[chat_id]), chat_id, caption, params.get("parse_mode"), keyboard)
    sent.file = Upload(field, value.name, value.mime, value.data)
    await api.record(sent)
    return message_json(api, sent)

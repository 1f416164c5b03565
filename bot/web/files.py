"""Files a page sends (charts, the xlsx exports): the chat's :class:`Attachment`, drawn after the
page's transaction committed and off the event loop, exactly as a chat reply's file is."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from aiohttp import web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.web_request import BaseRequest

from bot.core.messages import Attachment
from bot.core.renders import draw_locked
from bot.web.guard import HEADERS


class FileResponse(web.Response):
    """``file`` as a download (or shown in the page, ``inline``: a chart's ``<img>``).

    The runtime returns a page's response after the page's transaction has committed, and the
    body is drawn only when the response is sent, so no database transaction waits on
    matplotlib or openpyxl.
    """

    def __init__(self, file: Attachment, *, inline: bool = False) -> None:
        how = "inline" if inline else "attachment"
        ascii_name = file.name.encode("ascii", "replace").decode().replace("?", "_")
        ascii_name = ascii_name.replace('"', "")
        disposition = f"{how}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file.name)}"
        super().__init__(
            body=file.data or None,
            content_type=file.mime,
            headers={**HEADERS, "Content-Disposition": disposition},
        )
        self.file = file

    async def prepare(self, request: BaseRequest) -> AbstractStreamWriter | None:
        """Draw the file (once), then send the headers."""
        if self.file.render is not None and not self.body:
            self.body = await asyncio.to_thread(draw_locked, self.file.render)
        return await super().prepare(request)

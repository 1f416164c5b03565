"""Test support: a recording adapter with scripted failures, a running fake clock, and helpers to
build messages."""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.errors import DeliveryError
from bot.core.messages import ChatKind, InboundFile, IncomingMessage, Reply

_ids = itertools.count(1)


def incoming(
    text: str,
    *,
    sender: str = "张三",
    chat: str | None = None,
    group: bool = False,
    platform: str = "console",
    message_id: str | None = None,
    file: InboundFile | None = None,
) -> IncomingMessage:
    """A message as an adapter would hand it to the dispatcher (``text`` is a file's caption)."""
    return IncomingMessage(
        platform=platform,
        chat_id=f"group:{chat}" if group else (chat or sender),
        chat_kind=ChatKind.GROUP if group else ChatKind.PRIVATE,
        sender_id=sender,
        sender_name=sender,
        text=text,
        message_id=message_id or f"t{next(_ids)}",
        chat_title=chat or "",
        file=file,
    )


@dataclass
class RecordingAdapter:
    """Records what it is asked to send; ``failures`` scripts errors for the next sends."""

    platform: str = "fake"
    sent: list[tuple[str, Reply]] = field(default_factory=list)
    failures: deque[DeliveryError] = field(default_factory=deque)
    groups: set[str] = field(default_factory=set)

    def is_group(self, address: str) -> bool:
        return address in self.groups

    edits: list[tuple[str, str, Reply]] = field(default_factory=list)

    async def send(self, address: str, reply: Reply, edit_of: str | None = None) -> str:
        if self.failures:
            raise self.failures.popleft()
        if edit_of is not None:
            self.edits.append((address, edit_of, reply))
            return edit_of
        self.sent.append((address, reply))
        return f"m{len(self.sent)}"

    async def start(self, dispatcher: object) -> None:
        return None

    async def stop(self) -> None:
        return None

    def texts(self, address: str | None = None) -> list[str]:
        """Texts sent (to ``address``), in order."""
        return [r.text for a, r in self.sent if address is None or a == address]


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    """A one-sheet workbook: ``header`` then ``rows``, as an office would fill it in."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append(row)
    book.save(path)
    return path

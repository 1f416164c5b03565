"""Files the adapter tests send: real PNGs of a chosen size, an xlsx-like file, and the replies
that carry them."""

from __future__ import annotations

import struct
import zlib

from bot.core.messages import Attachment, Button, Reply

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def png(width: int, height: int) -> bytes:
    """A valid grey PNG of ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


CHART = Attachment("督查通报-周.png", "image/png", data=png(1080, 900))
TABLE = Attachment("督查通报-周.xlsx", XLSX, data=b"PK\x03\x04" + bytes(range(256)) * 40)


def chart_reply(text: str = "督查通报（图表）", *, buttons: bool = False) -> Reply:
    """The chart with ``text`` as its caption (and a button under it)."""
    rows = ((Button("表格版", "/report 表格"),),) if buttons else ()
    return Reply(text, buttons=rows, attachment=CHART)


def table_reply(text: str = "督查通报（表格）") -> Reply:
    """The spreadsheet with ``text`` as its caption."""
    return Reply(text, attachment=TABLE)

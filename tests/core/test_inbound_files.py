"""The file edge: safe names, the accepted kinds, the size cap, marked cells refused whole, and
a file's bytes surviving the inbox round trip."""

from __future__ import annotations

import io

from openpyxl import Workbook

from bot.core import inbound_files, secrecy
from bot.core.messages import InboundFile, IncomingMessage
from tests.support import incoming

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_file(name: str, mime: str, data: bytes, caption: str = "/submit 1") -> IncomingMessage:
    return inbound_files.tidy(incoming(caption, file=InboundFile(name, mime, data)))


def outcome(msg: IncomingMessage, max_mb: float = 10) -> str | None:
    found = inbound_files.refusal(msg, max_mb)
    return None if found is None else found[0]


def test_names_lose_folders_and_reserved_characters() -> None:
    assert inbound_files.sanitise("../../etc/passwd", "") == "passwd"
    assert inbound_files.sanitise("C:\\tmp\\值班表.XLSX", XLSX) == "值班表.xlsx"
    assert inbound_files.sanitise('.hidden<1>:"2".png', "image/png") == "hidden_1___2_.png"
    assert inbound_files.sanitise("", "image/jpeg") == "图片.jpg"
    assert inbound_files.sanitise("a\x00b" + "长" * 200 + ".pdf", "application/pdf").endswith(
        "长.pdf"
    )
    assert len(inbound_files.sanitise("长" * 200 + ".pdf", "application/pdf")) == 80


def test_kinds_and_size() -> None:
    assert outcome(with_file("现场.jpg", "image/jpeg", b"\xff\xd8jpeg")) is None
    assert outcome(with_file("报告.pdf", "application/octet-stream", b"%PDF")) is None
    assert outcome(with_file("run.exe", "application/octet-stream", b"MZ")) == "wrong_kind"
    # a picture that says it is a PDF is not taken on its word
    assert outcome(with_file("现场.jpg", "application/pdf", b"%PDF")) == "wrong_kind"
    big = with_file("现场.png", "image/png", b"x" * (2 * 1024 * 1024 + 1))
    assert outcome(big, max_mb=2) == "too_large"
    found = inbound_files.refusal(big, 2)
    assert found is not None and "超过上限 2 MB" in found[2].text
    assert found[1] == {"kind": "png", "bytes": 2 * 1024 * 1024 + 1}  # never the name
    assert outcome(with_file("空.csv", "text/csv", b"")) == "empty_file"
    assert outcome(incoming("plain text")) is None


def test_a_marked_cell_or_name_refuses_the_file() -> None:
    marked = with_file("值班表.xlsx", XLSX, xlsx([["日期", "备注"], ["2027-01-01", "机密★1年"]]))
    found = inbound_files.refusal(marked, 10)
    assert found is not None and found[0] == "classified"
    assert "第2行：「备注」列含密级标识" in found[2].text
    gbk = "日期,备注\n2027-01-01,【秘密】\n".encode("gb18030")
    assert outcome(with_file("值班表.csv", "text/csv", gbk)) == "classified"
    # an unreadable table passes the edge: the feature reading it says how to fix it
    assert outcome(with_file("坏.xlsx", XLSX, b"not a zip")) is None
    named = with_file("机密-名单.xlsx", XLSX, xlsx([["a"]]))
    assert secrecy.in_message(named) is not None


def test_the_bytes_survive_the_inbox() -> None:
    msg = with_file("现场.png", "image/png", b"\x89PNG\x00\x01")
    again = IncomingMessage.from_dict(msg.to_dict())
    assert again == msg and again.file is not None and again.file.data == b"\x89PNG\x00\x01"
    assert IncomingMessage.from_dict(incoming("x").to_dict()).file is None

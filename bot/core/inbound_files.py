"""The edge where files enter: a file or picture sent in chat is named safely, held to the kinds
and size the office accepts, and (a table) read cell by cell for 密级 markings before anything of
it is stored.

The dispatcher applies :func:`at_edge` (the text edge of :mod:`bot.core.inbound`, then this) to
every message, in ``persist`` (before the inbox keeps it) and again when handling; a marking in
the file's *name* is found by :func:`bot.core.secrecy.in_message`. A refused file is answered
in Chinese and nothing of it is kept: the audit records the outcome, the kind and the size,
never the name or the bytes.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import PurePosixPath
from typing import Any

from bot.config.sections import InboxConfig
from bot.core import inbound, spreadsheets
from bot.core.errors import UserError
from bot.core.messages import InboundFile, IncomingMessage, Reply

MB = 1024 * 1024
KINDS: dict[str, tuple[str, ...]] = {
    ".jpg": ("image/jpeg",),
    ".jpeg": ("image/jpeg",),
    ".png": ("image/png",),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
    ".csv": ("text/csv", "text/plain", "application/vnd.ms-excel"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
    ".pdf": ("application/pdf",),
}
"""Accepted kinds by suffix, with the MIME types a platform may report for each (a platform that
reports none or ``application/octet-stream`` is judged by the suffix alone)."""
TABLES = (".xlsx", ".csv")
_NAMED = "图片（jpg、png）、Excel 表格（xlsx、csv）、Word 文档（docx）、PDF"
_UNSAFE = re.compile(r'[\\/:*?"<>|]')  # path separators and what Windows refuses in a name
MAX_NAME = 80
_GENERIC = ("", "application/octet-stream", "binary/octet-stream")
Refusal = tuple[str, dict[str, Any], Reply]
"""The audit outcome, the audit detail (never the text nor the file's name) and the answer."""
FILE_ALONE = Reply(
    "已收到文件，但不知道它用于哪项工作，未保存。请在发送文件时把命令写在说明里"
    "（例如 /submit 编号），或先发命令、再按提示发送文件。发 /help 查看命令。"
)
"""The answer to a file that is neither a command's caption nor the answer of a dialog."""


def at_edge(msg: IncomingMessage, config: InboxConfig) -> tuple[IncomingMessage, Refusal | None]:
    """``msg`` cleaned (text and file name), and why it may not even be stored (too long, or
    its file refused), or None."""
    msg = tidy(inbound.tidy(msg))
    return msg, inbound.too_long(msg, config.max_chars) or refusal(msg, config.max_file_mb)


def suffix_for(mime: str) -> str:
    """The suffix a nameless file of ``mime`` gets (a photo arrives without a name)."""
    return next((s for s, types in KINDS.items() if mime in types), "")


def sanitise(name: str, mime: str) -> str:
    """A safe file name: no folders, no control or reserved characters, no leading dot, at most
    ``MAX_NAME`` characters with the suffix kept; a nameless picture is called 图片."""
    base = re.split(r"[\\/]", inbound.clean(name))[-1]
    base = _UNSAFE.sub("_", unicodedata.normalize("NFC", base)).strip().lstrip(".").strip()
    path = PurePosixPath(base or f"图片{suffix_for(mime)}")
    stem, suffix = path.stem or "文件", path.suffix.lower() or suffix_for(mime)
    return stem[: max(1, MAX_NAME - len(suffix))] + suffix


def tidy(msg: IncomingMessage) -> IncomingMessage:
    """``msg`` with its file's name made safe (the same object when there is no file)."""
    if msg.file is None:
        return msg
    name = sanitise(msg.file.name, msg.file.mime)
    if name == msg.file.name:
        return msg
    return dataclasses.replace(msg, file=dataclasses.replace(msg.file, name=name))


def refusal(msg: IncomingMessage, max_mb: float) -> Refusal | None:
    """For a file that may not be kept: the outcome, the audit detail and the Chinese answer;
    None when there is no file or it may be.

    A table that cannot be read is let through: the feature that reads it answers with the fix.
    """
    file = msg.file
    if file is None:
        return None
    suffix = PurePosixPath(file.name).suffix.lower()
    detail: dict[str, Any] = {"kind": suffix.lstrip(".") or "?", "bytes": file.size}
    if suffix not in KINDS or (file.mime not in _GENERIC and file.mime not in KINDS[suffix]):
        return (
            "wrong_kind",
            detail,
            Reply(f"不支持「{file.name}」这类文件，未保存。可以发送：{_NAMED}。"),
        )
    if file.size > max_mb * MB:
        return (
            "too_large",
            detail,
            Reply(
                f"文件「{file.name}」有 {file.size / MB:.1f} MB，超过上限 {max_mb:g} MB，未保存。"
                "请压缩图片或删去多余内容后重发（管理员可调整配置 inbox.max_file_mb）。"
            ),
        )
    if not file.data:
        return (
            "empty_file",
            detail,
            Reply(f"文件「{file.name}」没有收到内容（文件为空或未能下载），未保存，请重发。"),
        )
    if suffix in TABLES:
        try:
            spreadsheets.read_data(file.data, file.name)
        except spreadsheets.MarkedFile as exc:
            return "classified", detail, Reply(exc.message)
        except UserError:
            pass  # unreadable: the feature reading it says how to fix it
    return None


def read_table(file: InboundFile) -> list[list[str]]:
    """The rows of a table sent in chat, as :func:`bot.core.spreadsheets.read_data`.

    Raises:
        UserError: not a table, or it cannot be read (with the fix).
    """
    if PurePosixPath(file.name).suffix.lower() not in TABLES:
        raise UserError(f"「{file.name}」不是表格，请发送 .xlsx 或 .csv 文件。")
    return spreadsheets.read_data(file.data, file.name)

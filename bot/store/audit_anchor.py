"""审计校验码: the audit chain's head, anchored once a day in a file outside the database.

Each line records when the anchor was taken, the head's number, that row's time and hash, the
oldest row's number and time, and a code — an HMAC of them all under the audit key, shortened
to five groups of four for people (the same code is pushed to the admins). Rows deleted from
the tail, an edited row whose later hashes were recomputed, or a head moved back then show
against the file (bot/store/audit_verify.py), whatever the database says about itself.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.private_files import FILE_MODE, private_dir, private_file
from bot.store.audit import GENESIS, AuditHead, AuditLog, session_key

HEADER = (
    "# DutyBot 审计校验码：时间(UTC)\t链尾序号\t链尾记录时间\t链尾哈希\t最早序号\t最早记录时间"
    "\t校验码\n"
)


@dataclass(frozen=True, slots=True)
class Anchor:
    """One day's anchor; ``line`` is its line number in the file (0 before it is written)."""

    at: datetime
    seq: int
    ts: datetime | None
    hash: str
    first_seq: int
    first_ts: datetime | None
    code: str = ""
    line: int = 0

    def fields(self) -> list[str]:
        """What the line stores before the code, which covers them all."""
        return [
            self.at.isoformat(),
            str(self.seq),
            _time(self.ts),
            self.hash,
            str(self.first_seq),
            _time(self.first_ts),
        ]

    def to_line(self) -> str:
        """The tab-separated line stored in the anchor file."""
        return "\t".join([*self.fields(), self.code]) + "\n"


def _time(moment: datetime | None) -> str:
    return "-" if moment is None else moment.isoformat()


def _moment(text: str) -> datetime | None:
    return None if text == "-" else datetime.fromisoformat(text)


def code_of(key: bytes, anchor: Anchor) -> str:
    """The human-sized 审计校验码: 80 bits of HMAC, as ``XXXX-XXXX-XXXX-XXXX-XXXX``."""
    message = "|".join(anchor.fields()).encode()
    digest = hmac.new(key, message, hashlib.sha256).hexdigest()[:20].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 20, 4))


async def take(session: AsyncSession, now: datetime) -> Anchor:
    """The anchor of the chain as it stands in this transaction.

    Raises:
        ValueError: the session has no audit key.
    """
    key = session_key(session)
    if key is None:
        raise ValueError("会话没有审计密钥，无法生成审计校验码")
    head = await session.get(AuditHead, 1)
    seq, digest = (head.last_seq, head.last_hash) if head is not None else (0, GENESIS)
    ts = await session.scalar(select(AuditLog.ts).where(AuditLog.seq == seq)) if seq else None
    oldest = (
        await session.execute(select(AuditLog.seq, AuditLog.ts).order_by(AuditLog.seq).limit(1))
    ).first()
    first_seq, first_ts = (int(oldest[0]), oldest[1]) if oldest is not None else (0, None)
    anchor = Anchor(now, seq, ts, digest, first_seq, first_ts)
    return replace(anchor, code=code_of(key, anchor))


def append(path: Path, anchor: Anchor) -> None:
    """Append ``anchor`` to the file (created 0600 in a 0700 directory) and sync it to disk."""
    private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, FILE_MODE)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        if handle.tell() == 0:
            handle.write(HEADER)
        handle.write(anchor.to_line())
        handle.flush()
        os.fsync(handle.fileno())
    private_file(path)


def _parse(number: int, line: str) -> Anchor:
    at, seq, ts, digest, first_seq, first_ts, code = line.rstrip("\n").split("\t")
    return Anchor(
        datetime.fromisoformat(at),
        int(seq),
        _moment(ts),
        digest,
        int(first_seq),
        _moment(first_ts),
        code,
        number,
    )


def read(path: Path) -> tuple[list[Anchor], list[str]]:
    """The anchors in ``path`` (none when it is missing) and a Chinese note per unreadable line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return [], []
    anchors: list[Anchor] = []
    bad: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            anchors.append(_parse(number, line))
        except ValueError:
            bad.append(f"锚点文件 {path} 第 {number} 行格式不对（被改动或截断）")
    return anchors, bad

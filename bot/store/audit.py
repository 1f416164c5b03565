"""Append-only, keyed hash chain of the audit log: every command and every outbound message.

Each row's hash is an HMAC-SHA256, under a key kept outside the database (``session.info``
carries it, see :func:`bot.store.engine.make_sessionmaker`), of its content and the previous
row's hash: editing or deleting a row breaks the chain, and without the key nobody can compute
a chain that checks out. Rows written before keys existed carry plain SHA-256 and still verify
(bot/store/audit_verify.py). Database triggers (migrations 0001 and 0010) refuse UPDATE,
TRUNCATE and DELETE of rows younger than the retention period.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, JSONText, table_of
from bot.store.sql import Prepared

GENESIS = "0" * 64
# Where a session carries the audit key (bytes); set by make_sessionmaker, never stored.
KEY_INFO = "audit_key"
# Keys used before the current one, oldest first: rows they made still verify.
OLD_KEYS_INFO = "audit_old_keys"


class AuditLog(Base):
    """One audited event."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    ts: Mapped[datetime] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(20))
    actor_user_id: Mapped[int | None] = mapped_column(default=None)
    actor: Mapped[str] = mapped_column(String(160), default="")
    roles: Mapped[str] = mapped_column(String(100), default="")
    platform: Mapped[str] = mapped_column(String(20), default="")
    chat: Mapped[str] = mapped_column(String(160), default="", index=True)
    command: Mapped[str] = mapped_column(String(60), default="")
    outcome: Mapped[str] = mapped_column(String(30), default="")
    detail: Mapped[Any] = mapped_column(JSONText, nullable=True, default=None)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The single row holding the chain's tip; locking it serialises appends."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
    # Read by the DELETE guard (migration 0010), which never lets it go below six months.
    keep_months: Mapped[int] = mapped_column(default=6, server_default="6")


HASHED_FIELDS = (
    "seq",
    "ts",
    "kind",
    "actor_user_id",
    "actor",
    "roles",
    "platform",
    "chat",
    "command",
    "outcome",
    "detail",
)


def row_hash(prev_hash: str, fields: dict[str, Any], key: bytes | None = None) -> str:
    """HMAC-SHA256 under ``key`` (plain SHA-256 without one, as rows before keys were) over the
    previous hash and a canonical JSON of the row's fields."""
    content = {k: fields[k] for k in HASHED_FIELDS}
    content["ts"] = fields["ts"].isoformat(timespec="microseconds")
    body = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    message = (prev_hash + body).encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def session_key(session: AsyncSession) -> bytes | None:
    """The audit key this session writes and verifies with (None: unkeyed, tests only)."""
    key = session.info.get(KEY_INFO)
    return key if isinstance(key, bytes) else None


def session_keys(session: AsyncSession) -> list[bytes]:
    """Every key rows may have been made with, oldest first, the current one last."""
    current = session_key(session)
    old = [k for k in session.info.get(OLD_KEYS_INFO, ()) if isinstance(k, bytes)]
    return old + ([current] if current is not None else [])


@dataclass(frozen=True, slots=True)
class Entry:
    """What to audit; ``actor`` etc. default to the system."""

    kind: str
    command: str = ""
    outcome: str = "ok"
    actor_user_id: int | None = None
    actor: str = ""
    roles: str = ""
    platform: str = ""
    chat: str = ""
    detail: Any = None


# Taking the next number locks the chain's tip row until commit (PostgreSQL row lock; SQLite
# transactions are already exclusive), so concurrent writers append one after another.
_HEAD = table_of(AuditHead)
_NEXT = Prepared(
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(last_seq=_HEAD.c.last_seq + 1)
    .returning(_HEAD.c.last_seq, _HEAD.c.last_hash)
)
_TIP = Prepared(update(_HEAD).where(_HEAD.c.id == 1).values(last_hash=bindparam("tip")))
_ROW = Prepared(
    insert(table_of(AuditLog)).values(
        {c.name: bindparam(c.name, type_=c.type) for c in table_of(AuditLog).c if c.name != "id"}
    )
)


async def append(session: AsyncSession, now: datetime, entry: Entry) -> int:
    """Add one row at the tip of the chain, inside the caller's transaction; returns its number."""
    tip = (await _NEXT.execute(session, {})).first()
    if tip is None:  # the initial migration creates the tip; only a hand-made schema lacks it
        session.add(AuditHead(id=1, last_seq=0, last_hash=GENESIS))
        await session.flush()
        tip = (await _NEXT.execute(session, {})).first()
        assert tip is not None
    seq, prev_hash = int(tip[0]), str(tip[1])
    fields: dict[str, Any] = {
        "seq": seq,
        "ts": now,
        "kind": entry.kind,
        "actor_user_id": entry.actor_user_id,
        "actor": entry.actor[:160],
        "roles": entry.roles[:100],
        "platform": entry.platform,
        "chat": entry.chat[:160],
        "command": entry.command[:60],
        "outcome": entry.outcome[:30],
        "detail": entry.detail,
    }
    digest = row_hash(prev_hash, fields, session_key(session))
    await _ROW.execute(session, {**fields, "prev_hash": prev_hash, "hash": digest})
    await _TIP.execute(session, {"tip": digest})
    return seq


async def keep_months(session: AsyncSession, months: int) -> None:
    """Tell the database's DELETE guard the configured retention (it holds six at least)."""
    await session.execute(update(_HEAD).where(_HEAD.c.id == 1).values(keep_months=months))


async def iter_rows(
    session: AsyncSession, start: datetime | None = None, end: datetime | None = None
) -> AsyncIterator[AuditLog]:
    """Rows in chain order, optionally within [start, end), streamed in chunks."""
    query = select(AuditLog).order_by(AuditLog.seq).execution_options(yield_per=1000)
    if start is not None:
        query = query.where(AuditLog.ts >= start)
    if end is not None:
        query = query.where(AuditLog.ts < end)
    result = await session.stream_scalars(query)
    async for row in result:
        yield row


async def latest(
    session: AsyncSession,
    limit: int,
    *,
    before: int | None = None,
    kind: str = "",
    actor: str = "",
    outcome: str = "",
) -> list[AuditLog]:
    """The newest rows (before row number ``before``), filtered by kind, actor and outcome."""
    query = select(AuditLog).order_by(AuditLog.seq.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditLog.seq < before)
    if kind:
        query = query.where(AuditLog.kind == kind)
    if actor:
        query = query.where(AuditLog.actor.contains(actor, autoescape=True))
    if outcome:
        query = query.where(AuditLog.outcome == outcome)
    return list(await session.scalars(query))

"""公文 registered for 办文: the document's metadata, its 传阅 order and its history (一文一档)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.errors import UserError
from bot.store.base import Base
from models.directory.users import OrgUnit, User

# 条例 §8: the fifteen kinds (命令 also written 令).
KINDS = (
    "决议",
    "决定",
    "命令",
    "令",
    "公报",
    "公告",
    "通告",
    "意见",
    "通知",
    "通报",
    "报告",
    "请示",
    "批复",
    "议案",
    "函",
    "纪要",
)
# 条例 §9(三): 特急 and 加急; a document without a mark is 平件.
URGENCIES = ("特急", "加急", "平件")
# 条例 §24(四): 阅知性 documents are only read; 批办性 documents are handled (办件).
MODES = ("阅件", "办件")
DIRECTIONS = ("收文", "发文")
# Which rule of the table gives a 办件 its limit, by 紧急程度.
LIMIT_RULES = {
    "特急": "document.most_urgent",
    "加急": "document.urgent",
    "平件": "document.handle",
}


class Status(enum.StrEnum):
    """Where a document stands."""

    REGISTERED = "已登记"
    CIRCULATING = "传阅中"
    CIRCULATED = "已传阅"
    REPLIED = "已答复"
    ARCHIVED = "已归档"


CLOSED = (Status.REPLIED, Status.ARCHIVED)


class Document(Base):
    """One registered 公文 (metadata only; the text never enters the bot)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(4))
    kind: Mapped[str] = mapped_column(String(4), index=True)
    number: Mapped[str] = mapped_column(String(60), default="")
    issuer: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    urgency: Mapped[str] = mapped_column(String(4))
    mode: Mapped[str] = mapped_column(String(4))
    secrecy: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[datetime]
    proposed: Mapped[str] = mapped_column(Text, default="")
    org_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(10), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    replied_at: Mapped[datetime | None] = mapped_column(default=None)
    reply: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[datetime | None] = mapped_column(default=None)

    org: Mapped[OrgUnit | None] = relationship(lazy="joined")
    readers: Mapped[list[DocumentReader]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DocumentReader.seq"
    )
    events: Mapped[list[DocumentEvent]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DocumentEvent.id"
    )

    @property
    def label(self) -> str:
        """``收文 #3 〔2026〕12号「关于…的通知」``."""
        number = f" {self.number}" if self.number else ""
        return f"{self.direction} #{self.id}{number}「{self.title}」"

    @property
    def short(self) -> str:
        """``收文 #3``: what a refusal names (no title to someone outside its scope)."""
        return f"{self.direction} #{self.id}"

    @property
    def owners(self) -> list[str]:
        """The unit that handles it (empty for a 阅件 nobody handles)."""
        return [self.org.name] if self.org is not None else []

    @property
    def current(self) -> DocumentReader | None:
        """The leader it waits on now, if it is being circulated."""
        return next((r for r in self.readers if r.sent_at and r.done_at is None), None)

    @property
    def is_open_task(self) -> bool:
        """A 办件 not yet answered or archived."""
        return self.mode == "办件" and self.status not in CLOSED


class DocumentReader(Base):
    """One leader in a document's 传阅 order, with what they did."""

    __tablename__ = "document_readers"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    done_at: Mapped[datetime | None] = mapped_column(default=None)
    action: Mapped[str] = mapped_column(String(4), default="")
    instruction: Mapped[str] = mapped_column(Text, default="")
    task_id: Mapped[int | None] = mapped_column(ForeignKey("supervision_items.id"), default=None)

    user: Mapped[User] = relationship(lazy="joined")


class DocumentEvent(Base):
    """One step in a document's history."""

    __tablename__ = "document_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    action: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")


def log(doc: Document, action: str, actor_id: int | None, now: datetime, note: str = "") -> None:
    """Append a history event."""
    doc.events.append(DocumentEvent(at=now, actor_id=actor_id, action=action, note=note))


async def get(session: AsyncSession, doc_id: int) -> Document:
    """The document, or a UserError pointing at the list."""
    doc = await session.get(Document, doc_id)
    if doc is None:
        raise UserError(f"没有编号为 {doc_id} 的公文，发送 /docs 查看待办公文。")
    return doc


async def awaiting(session: AsyncSession, user_id: int, limit: int) -> tuple[list[Document], int]:
    """Documents whose 传阅 waits on ``user_id`` now, oldest first, and how many in all."""
    turn = select(DocumentReader.doc_id).where(
        DocumentReader.user_id == user_id,
        DocumentReader.sent_at.is_not(None),
        DocumentReader.done_at.is_(None),
    )
    return await _page(session, [Document.id.in_(turn)], (Document.id,), limit)


async def open_tasks(
    session: AsyncSession, unit: str | None, limit: int
) -> tuple[list[Document], int]:
    """Open 办件 (of ``unit``, or of every unit), earliest limit first, and how many in all."""
    where = [Document.mode == "办件", Document.status.not_in([s.value for s in CLOSED])]
    if unit is not None:
        where.append(Document.org_id.in_(select(OrgUnit.id).where(OrgUnit.name == unit)))
    return await _page(session, where, (Document.due_date, Document.id), limit)


async def to_archive(
    session: AsyncSession, user_id: int, limit: int
) -> tuple[list[Document], int]:
    """What ``user_id`` registered that only waits to be archived (阅件, or 办件 answered)."""
    where = [
        Document.created_by == user_id,
        Document.status.not_in([Status.ARCHIVED.value, Status.CIRCULATING.value]),
        or_(Document.mode == "阅件", Document.status == Status.REPLIED.value),
    ]
    return await _page(session, where, (Document.id,), limit)


async def _page(
    session: AsyncSession, where: list[Any], order: tuple[Any, ...], limit: int
) -> tuple[list[Document], int]:
    total = await session.scalar(select(func.count()).select_from(Document).where(*where))
    found = await session.scalars(select(Document).where(*where).order_by(*order).limit(limit))
    return list(found), int(total or 0)

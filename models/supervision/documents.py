"""Formal 督查 documents with a 文号: the 督查通知单 sent to a unit for a 督办 item and the
《督查通报》 of a period. Both take their number from one sequence per 机关代字 and year
(``bot/store/numbers.py``, the prefix from ``supervision_docs.prefix``); a document issued again
for the same thing (``ref``: the item, or the period) keeps the 文号 it was first given."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.official_doc import OfficialDoc, Section
from bot.core.privacy import mask_text
from bot.store import numbers
from bot.store.base import Base
from models.supervision.records import SupervisionItem
from models.supervision.settings import SupervisionDocsConfig

NOTICE, REPORT = "督查通知单", "督查通报"


class SupervisionDocument(Base):
    """One numbered document: what it was for and the 文号 it carries."""

    __tablename__ = "supervision_documents"
    __table_args__ = (UniqueConstraint("series", "year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref: Mapped[str] = mapped_column(String(80), unique=True)
    series: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(60))
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("supervision_items.id"), default=None, index=True
    )
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    issued_at: Mapped[datetime]


def notice_ref(item_id: int) -> str:
    """The 督查通知单 of one item."""
    return f"notice:{item_id}"


def report_ref(kind: str, start: date) -> str:
    """The 《督查通报》 of one period."""
    return f"report:{kind}:{start.isoformat()}"


async def numbered(
    session: AsyncSession,
    now: datetime,
    year: int,
    cfg: SupervisionDocsConfig,
    *,
    kind: str,
    ref: str,
    item_id: int | None = None,
    by: int | None = None,
) -> tuple[SupervisionDocument, bool]:
    """The document for ``ref`` and whether it is new: the one already issued, else a new one
    with the next 文号."""
    found = await session.scalar(select(SupervisionDocument).where(SupervisionDocument.ref == ref))
    if found is not None:
        return found, False
    seq = await numbers.next_number(session, cfg.prefix, year)
    found = SupervisionDocument(
        kind=kind,
        ref=ref,
        series=cfg.prefix,
        year=year,
        seq=seq,
        number=cfg.number(year, seq),
        item_id=item_id,
        issued_by=by,
        issued_at=now,
    )
    session.add(found)
    await session.flush()
    return found, True


def notice_doc(
    item: SupervisionItem, number: str, cfg: SupervisionDocsConfig, day: date
) -> OfficialDoc:
    """The 督查通知单: to the lead unit, the matter, the deadline and the feedback asked for."""
    rows = [
        ("督办编号", f"#{item.id}"),
        ("督办事项", mask_text(item.title)),
        ("来源", item.source + (f"（{item.origin}）" if item.origin else "")),
        ("牵头领导", item.lead_leader or "—"),
        ("承办单位", item.lead_org.name),
        ("协办单位", "、".join(item.co_orgs) or "—"),
        ("办理时限", f"{item.due_date.year}年{item.due_date.month}月{item.due_date.day}日前"),
        ("反馈要求", f"{item.cadence}报送办理进展，办结后申请销号"),
    ]
    body = (
        f"根据{item.source}要求，现将「{mask_text(item.title)}」列为督办事项，交由你单位牵头办理。"
        "请接此通知后及时签收，明确责任人，按时限办结，并按要求报送进展。"
    )
    sections = [Section(paragraphs=(body,), table=(("项目", "内容"), *rows))]
    if item.content:
        sections.append(Section("具体要求", (mask_text(item.content),)))
    extra = (f"联系人：{cfg.contact}",) if cfg.contact else ()
    return OfficialDoc(
        masthead=cfg.notice_masthead,
        number=number,
        title=f"关于督办「{mask_text(item.title)}」的通知",
        sections=tuple(sections),
        issuer=cfg.issuer,
        dated=day,
        recipients=item.lead_org.name,
        copies_to="、".join(item.co_orgs),
        extra=extra,
    )

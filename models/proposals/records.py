"""建议提案 (人大建议 / 政协提案): 交办 → 面商 → 答复 (A/B/C/D) → 评价; 不满意 → 重办 → 再答复."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.errors import UserError
from bot.store.base import Base, JSONText
from models.directory.users import OrgUnit

KINDS = ("人大建议", "政协提案")
# Answer categories (municipal practice; the county may rename them in its 办法).
CODES = {
    "A": "已经解决或基本解决",
    "B": "正在解决或列入规划逐步解决",
    "C": "因条件限制需以后解决",
    "D": "留作参考",
}
RATINGS = ("满意", "基本满意", "不满意")
UNRATED = "未反馈"
MODES = ("面商", "电话", "座谈", "走访")


class Status(enum.StrEnum):
    """Where a 建议提案 stands."""

    HANDLING = "办理中"
    REPLIED = "已答复"
    REDO = "重办"
    CLOSED = "已办结"


class Proposal(Base):
    """One 建议 or 提案 assigned to a unit."""

    __tablename__ = "proposals"
    __table_args__ = (UniqueConstraint("kind", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    number: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    proposer: Mapped[str] = mapped_column(String(100), default="")
    lead_org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    co_orgs: Mapped[Any] = mapped_column(JSONText)
    complex: Mapped[bool] = mapped_column(default=False)
    assigned_on: Mapped[date] = mapped_column(Date)
    contact_due: Mapped[date] = mapped_column(Date)
    contacted_on: Mapped[date | None] = mapped_column(Date, default=None)
    contact_mode: Mapped[str] = mapped_column(String(10), default="")
    reply_due: Mapped[date] = mapped_column(Date)
    redo_due: Mapped[date | None] = mapped_column(Date, default=None)
    first_replied_on: Mapped[date | None] = mapped_column(Date, default=None)
    replied_on: Mapped[date | None] = mapped_column(Date, default=None)
    answer_code: Mapped[str] = mapped_column(String(1), default="")
    rating: Mapped[str] = mapped_column(String(10), default=UNRATED)
    redo_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    lead_org: Mapped[OrgUnit] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        """``人大建议第12号「加固河堤」``."""
        return f"{self.kind}{self.number}「{self.title}」"

    @property
    def current_due(self) -> date:
        """The answer owed next: the redo's when 重办, else the original."""
        return self.redo_due if self.status == Status.REDO and self.redo_due else self.reply_due


def _refuse(item: Proposal, allowed: tuple[Status, ...], action: str, hint: str) -> None:
    if item.status not in allowed:
        raise UserError(f"#{item.id} {item.label} 当前为「{item.status}」，不能{action}。{hint}")


def record_contact(item: Proposal, day: date, mode: str) -> None:
    """面商 (or another direct contact) with the deputy or member, once, before closure."""
    _refuse(item, (Status.HANDLING, Status.REDO), "登记面商", "")
    if mode not in MODES:
        raise UserError(f"联系方式「{mode}」不对，可选：{'、'.join(MODES)}")
    if item.contacted_on is not None:
        if item.status == Status.HANDLING:
            done = item.contacted_on.isoformat()
            raise UserError(f"#{item.id} 已于 {done} 登记过{item.contact_mode}，无需重复登记")
        return  # a contact during 重办: the first one stays the date that 见面率 counts
    item.contacted_on, item.contact_mode = day, mode


def record_reply(item: Proposal, day: date, code: str) -> None:
    """The formal answer with its category."""
    _refuse(item, (Status.HANDLING, Status.REDO), "答复", "")
    code = code.upper()
    if code not in CODES:
        raise UserError("答复类别应为 " + "、".join(f"{k}（{v}）" for k, v in CODES.items()))
    item.first_replied_on = item.first_replied_on or day
    item.replied_on, item.answer_code, item.status = day, code, Status.REPLIED.value


def record_rating(item: Proposal, rating: str, redo_due: date | None) -> None:
    """The deputy's rating; 不满意 sends the item back for a second answer by ``redo_due``."""
    _refuse(item, (Status.REPLIED,), "登记评价", "须先答复（/proposal_reply）")
    if rating not in RATINGS:
        raise UserError(f"评价应为：{'、'.join(RATINGS)}")
    item.rating = rating
    if rating == "不满意":
        item.status, item.redo_due = Status.REDO.value, redo_due
        item.redo_count += 1
    else:
        item.status = Status.CLOSED.value


async def get(session: AsyncSession, item_id: int) -> Proposal:
    """The item, or a UserError pointing at the list."""
    item = await session.get(Proposal, item_id)
    if item is None:
        raise UserError(f"没有编号为 {item_id} 的建议提案，发送 /proposal_list 查看。")
    return item


async def all_items(session: AsyncSession, org_id: int | None = None) -> list[Proposal]:
    """Every item (of one unit), oldest first."""
    query = select(Proposal).order_by(Proposal.assigned_on, Proposal.id)
    if org_id is not None:
        query = query.where(Proposal.lead_org_id == org_id)
    return list(await session.scalars(query))

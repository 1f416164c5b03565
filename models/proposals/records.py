"""建议提案 (人大建议 / 政协提案): 交办 → 面商 → 答复 (A/B/C/D) → 评价; 不满意 → 重办 → 再答复;
a B answer (正在解决) is followed by a 跟踪答复 once its promised date comes."""

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
from models.proposals.settings import MODES

KINDS = ("人大建议", "政协提案")
# Each kind follows its own rules (docs/rules.md §建议提案 suggestions and proposals): 人大建议
# the 代表法, 政协提案 the 政协's 提案工作条例 of the county's level — separate rows even where
# the values agree.
RULES = {
    "人大建议": {
        "reply": "proposal.reply",
        "reply_complex": "proposal.reply_complex",
        "contact": "proposal.contact",
        "redo": "proposal.redo",
    },
    "政协提案": {
        "reply": "proposal.cppcc_reply",
        "reply_complex": "proposal.cppcc_reply_complex",
        "contact": "proposal.cppcc_contact",
        "redo": "proposal.cppcc_redo",
    },
}
# Answer categories (municipal practice; the county may rename them in its 办法).
CODES = {
    "A": "已经解决或基本解决",
    "B": "正在解决或列入规划逐步解决",
    "C": "因条件限制需以后解决",
    "D": "留作参考",
}
RATINGS = ("满意", "基本满意", "不满意")
UNRATED = "未反馈"
PENDING = "B"  # the answer category whose promise is chased (正在解决或列入规划逐步解决)


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
    # The first date of each way of contact ({"电话": "2026-12-01", "面商": …}): 见面率 and
    # 沟通率 each count the modes the config names.
    contacts: Mapped[Any] = mapped_column(JSONText, default=dict, server_default="{}")
    reply_due: Mapped[date] = mapped_column(Date)
    redo_due: Mapped[date | None] = mapped_column(Date, default=None)
    first_replied_on: Mapped[date | None] = mapped_column(Date, default=None)
    replied_on: Mapped[date | None] = mapped_column(Date, default=None)
    answer_code: Mapped[str] = mapped_column(String(1), default="")
    rating: Mapped[str] = mapped_column(String(10), default=UNRATED)
    redo_count: Mapped[int] = mapped_column(default=0)
    # A B answer's promised date, and when the 跟踪答复 came.
    followup_due: Mapped[date | None] = mapped_column(Date, default=None)
    followup_on: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(10), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    lead_org: Mapped[OrgUnit] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        """``人大建议第12号「加固河堤」``."""
        return f"{self.kind}{self.number}「{self.title}」"

    def rule(self, step: str) -> str:
        """The rule-table id of ``step`` (reply, reply_complex, contact, redo) for this kind."""
        return rule_id(self.kind, step)

    def contacted_by(self, modes: tuple[str, ...]) -> date | None:
        """The first contact in one of ``modes``, if any."""
        days = [date.fromisoformat(d) for m, d in (self.contacts or {}).items() if m in modes]
        return min(days, default=None)

    @property
    def followup_owed(self) -> bool:
        """A B answer whose 跟踪答复 has not come yet."""
        return self.followup_due is not None and self.followup_on is None

    @property
    def current_due(self) -> date:
        """The answer owed next: the redo's when 重办, else the original."""
        return self.redo_due if self.status == Status.REDO and self.redo_due else self.reply_due


def rule_id(kind: str, step: str) -> str:
    """The rule-table id of one step of a kind of item."""
    return RULES[kind][step]


def _refuse(item: Proposal, allowed: tuple[Status, ...], action: str, hint: str) -> None:
    if item.status not in allowed:
        raise UserError(f"#{item.id} {item.label} 当前为「{item.status}」，不能{action}。{hint}")


def record_contact(item: Proposal, day: date, mode: str) -> None:
    """A contact with the deputy or member before closure; each way of contact is kept once."""
    _refuse(item, (Status.HANDLING, Status.REDO), "登记面商", "")
    if mode not in MODES:
        raise UserError(f"联系方式「{mode}」不对，可选：{'、'.join(MODES)}")
    contacts = dict(item.contacts or {})
    if mode in contacts:
        if item.status == Status.HANDLING:
            raise UserError(f"#{item.id} 已于 {contacts[mode]} 登记过{mode}，无需重复登记")
        return  # a contact during 重办: the first one stays the date the KPIs count
    contacts[mode] = day.isoformat()
    item.contacts = contacts
    if item.contacted_on is None or day < item.contacted_on:
        item.contacted_on, item.contact_mode = day, mode


def record_reply(item: Proposal, day: date, code: str, promised: date | None = None) -> None:
    """The formal answer with its category; a B answer names the date it promises."""
    _refuse(item, (Status.HANDLING, Status.REDO), "答复", "")
    code = code.upper()
    if code not in CODES:
        raise UserError("答复类别应为 " + "、".join(f"{k}（{v}）" for k, v in CODES.items()))
    if code == PENDING and promised is None:
        raise UserError(
            f"B 类（{CODES[PENDING]}）须写明承诺解决的日期，到期后催跟踪答复。"
            f"例如：/proposal_reply {item.id} B 今天 2027-06-30"
        )
    if code == PENDING and promised is not None and promised <= day:
        raise UserError(f"承诺日期 {promised} 应晚于答复日期 {day}")
    item.first_replied_on = item.first_replied_on or day
    item.replied_on, item.answer_code, item.status = day, code, Status.REPLIED.value
    item.followup_due = promised if code == PENDING else None
    item.followup_on = None


def record_followup(item: Proposal, day: date, code: str) -> None:
    """The 跟踪答复 of a B answer, once the promised measures are carried out (or not)."""
    if not item.followup_owed:
        raise UserError(f"#{item.id} 没有待跟踪答复的 B 类答复。")
    code = code.upper()
    if code not in CODES or code == PENDING:
        raise UserError("跟踪答复的类别应为 A、C 或 D（仍未解决请写 C 并说明原因）")
    if item.replied_on and day < item.replied_on:
        raise UserError(f"跟踪答复日期 {day} 早于原答复日期 {item.replied_on}")
    item.followup_on, item.answer_code = day, code


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

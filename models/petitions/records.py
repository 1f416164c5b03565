"""信访 (信访工作条例 2022): 登记 (15日 to 转送/交办) → 转办 → 受理 (60日, extension ≤30 by the
handling body's head) → 办结 → 复查 → 复核 → 终结; 检举控告 go to 纪检监察 (§30) instead.
Personal data is masked unless the audience may see it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.errors import UserError
from bot.core.privacy import mask_name, mask_phone, mask_text
from bot.core.roles import Role, UserInfo
from bot.store.base import Base
from models.directory.users import OrgUnit

CHANNELS = ("网络", "来信", "来电", "来访", "传真")
CLASSES = ("建议意见", "检举控告", "申诉求决")
OPINIONS = ("支持", "解释说明", "不予支持")
# §30: 检举控告 are for the 纪检监察 bodies, outside the 转办/办结 flow.
REPORT_CLASS = "检举控告"


class Status(enum.StrEnum):
    """Where a 信访事项 stands."""

    REGISTERED = "登记"
    HANDLING = "办理中"
    CONCLUDED = "已办结"
    REVIEW = "复查中"
    REVIEWED = "已复查"
    RECHECK = "复核中"
    FINAL = "终结"
    REFERRED = "移交纪检监察"


class Petition(Base):
    """One 信访事项."""

    __tablename__ = "petitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(10))
    petitioner: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(30), default="")
    request: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime]
    forward_due: Mapped[date] = mapped_column(Date)
    instruction: Mapped[str] = mapped_column(Text, default="")
    instruction_by: Mapped[str] = mapped_column(String(50), default="")
    org_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), default=None)
    forwarded_at: Mapped[datetime | None] = mapped_column(default=None)
    accepted_on: Mapped[date | None] = mapped_column(Date, default=None)
    conclude_due: Mapped[date | None] = mapped_column(Date, default=None)
    extension_days: Mapped[int] = mapped_column(default=0)
    opinion: Mapped[str] = mapped_column(String(10), default="")
    opinion_text: Mapped[str] = mapped_column(Text, default="")
    concluded_on: Mapped[date | None] = mapped_column(Date, default=None)
    # The due date of the running 复查/复核 stage, or of 受理 while a unit has not accepted yet.
    stage_due: Mapped[date | None] = mapped_column(Date, default=None)
    referred_to: Mapped[str] = mapped_column(String(50), default="", server_default="")
    status: Mapped[str] = mapped_column(String(10), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))

    org: Mapped[OrgUnit | None] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        """``信访 #4（申诉求决）``."""
        return f"信访 #{self.id}（{self.category}）"


def who(item: Petition, unmasked: bool) -> str:
    """The petitioner as shown to this audience (:func:`bot.core.privacy.unmasked_for`)."""
    if unmasked:
        return f"{item.petitioner} {item.phone}".strip()
    return f"{mask_name(item.petitioner)} {mask_phone(item.phone)}".strip()


def may_extend(
    me: UserInfo, item: Petition, roles: tuple[Role, ...], holders: tuple[str, ...]
) -> bool:
    """Whether ``me`` holds the §34 approval for this item: a role that has it, or a person of
    the handling unit named in ``holders`` ("县水利局/孙伟")."""
    if me.roles & set(roles) - {Role.LIAISON}:
        return True
    own = item.org is not None and item.org.name == me.org
    return own and (f"{me.org}/{me.name}" in holders or bool(me.roles & set(roles)))


def free_text(item: Petition, text: str, unmasked: bool) -> str:
    """The 诉求 or an opinion as shown to this audience: masked like 12345 text unless allowed."""
    return text if unmasked else mask_text(text, [item.petitioner])


def require(item: Petition, allowed: tuple[Status, ...], action: str) -> None:
    """Refuse an action that does not fit the item's state."""
    if item.status not in allowed:
        wanted = "、".join(allowed)
        raise UserError(f"{item.label} 当前为「{item.status}」，不能{action}（须为：{wanted}）。")


async def get(session: AsyncSession, item_id: int) -> Petition:
    """The item, or a UserError pointing at the list."""
    item = await session.get(Petition, item_id)
    if item is None:
        raise UserError(f"没有编号为 {item_id} 的信访事项，发送 /petition_list 查看。")
    return item


async def open_items(session: AsyncSession) -> list[Petition]:
    """Items not yet 终结 nor handed to 纪检监察, oldest first."""
    closed = [Status.FINAL.value, Status.REFERRED.value]
    query = select(Petition).where(Petition.status.not_in(closed))
    return list(await session.scalars(query.order_by(Petition.registered_at, Petition.id)))

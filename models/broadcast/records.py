"""Emergency broadcasts: the broadcast, its recipients (groups and people) and their acks."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, cast, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.errors import UserError
from bot.core.messages import Target
from bot.store.base import Base, JSONText
from bot.store.codes import fresh_code

CODE_LENGTH = 4


class Level(enum.StrEnum):
    """Alert level, most severe first (国家突发事件预警级别 红橙黄蓝)."""

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"

    @property
    def label(self) -> str:
        """``红色``."""
        return _LEVEL_NAMES[self][0]

    @classmethod
    def parse(cls, value: str) -> Level:
        """Accept 红 / 红色 / red (and 橙 黄 蓝 likewise).

        Raises:
            UserError: naming the choices.
        """
        key = value.strip().lower()
        for level, names in _LEVEL_NAMES.items():
            if key == level.value or key in names:
                return level
        raise UserError(f"未知级别「{value}」，可选：红色、橙色、黄色、蓝色（或 红/橙/黄/蓝）")


_LEVEL_NAMES: dict[Level, tuple[str, ...]] = {
    Level.RED: ("红色", "红"),
    Level.ORANGE: ("橙色", "橙"),
    Level.YELLOW: ("黄色", "黄"),
    Level.BLUE: ("蓝色", "蓝"),
}


class BroadcastStatus(enum.StrEnum):
    """draft (previewed) → awaiting (an officer's, for a leader) → active → cancelled."""

    DRAFT = "draft"
    AWAITING = "awaiting"
    ACTIVE = "active"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """Chinese name."""
        return {"draft": "草稿", "awaiting": "待批准", "active": "已发送", "cancelled": "已撤回"}[
            self.value
        ]


class Broadcast(Base):
    """One emergency broadcast."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    level: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=BroadcastStatus.DRAFT)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    summary_target: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    summary_seq: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def level_enum(self) -> Level:
        """The level as an enum."""
        return Level(self.level)

    @property
    def title(self) -> str:
        """``红色应急广播 #12（防汛）``."""
        return f"{self.level_enum.label}应急广播 #{self.id}（{self.scope}）"


class RecipientKind(enum.StrEnum):
    """A group chat, or a person on all their bound accounts."""

    GROUP = "group"
    PERSON = "person"


class BroadcastRecipient(Base):
    """Who a broadcast goes to, fixed when it is previewed."""

    __tablename__ = "broadcast_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    name: Mapped[str] = mapped_column(String(100))
    org: Mapped[str] = mapped_column(String(100), default="")
    targets: Mapped[Any] = mapped_column(JSONText)
    """Every address it is sent to: each of a person's accounts, or a group's chat followed by
    the ids it moved to (a Telegram group becoming a supergroup), the last one current."""
    renotified: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)
    removed_at: Mapped[datetime | None] = mapped_column(default=None)
    """The person was revoked before acknowledging: no longer sent to, chased or counted."""
    removed_note: Mapped[str | None] = mapped_column(String(200), default=None)
    """What became of their receipt: cancelled, or handed to a successor."""

    @property
    def removed(self) -> bool:
        """Taken off the broadcast (revoked before acknowledging)."""
        return self.removed_at is not None

    @property
    def addresses(self) -> list[str]:
        """Where it is reached now: each of a person's accounts, or a group's current chat."""
        return list(self.targets[-1:] if self.kind == RecipientKind.GROUP.value else self.targets)

    @property
    def display(self) -> str:
        """``张三（县水利局）`` or the group title."""
        return f"{self.name}（{self.org}）" if self.org else self.name


class BroadcastAck(Base):
    """One person's acknowledgement; the first one counts, later ones change nothing."""

    __tablename__ = "broadcast_acks"
    __table_args__ = (UniqueConstraint("broadcast_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    acked_at: Mapped[datetime]
    platform: Mapped[str] = mapped_column(String(20))
    chat: Mapped[str] = mapped_column(String(200))
    """Where the ack was sent from: a group chat acknowledges for that group too."""
    after_cancel: Mapped[bool] = mapped_column(default=False)


async def new_code(session: AsyncSession) -> str:
    """A fresh acknowledgement code not used by any broadcast."""
    return await fresh_code(session, Broadcast.code, CODE_LENGTH)


async def get(session: AsyncSession, broadcast_id: int) -> Broadcast:
    """The broadcast numbered ``broadcast_id``.

    Raises:
        UserError: none has that number.
    """
    found = await session.get(Broadcast, broadcast_id)
    if found is None:
        raise UserError(
            f"没有编号为 {broadcast_id} 的广播，请核对编号（/broadcast_status 编号）。"
        )
    return found


async def recent(session: AsyncSession, limit: int = 20) -> list[Broadcast]:
    """The newest broadcasts, drafts and withdrawn ones too (the CLI's and dashboard's list)."""
    query = select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)
    return list(await session.scalars(query))


async def by_code(session: AsyncSession, code: str) -> Broadcast | None:
    """The broadcast whose acknowledgement code is ``code`` (any case)."""
    return await session.scalar(select(Broadcast).where(Broadcast.code == code.strip().upper()))


async def recipients(session: AsyncSession, broadcast_id: int) -> list[BroadcastRecipient]:
    """Groups first, then people, in the order they were added."""
    query = (
        select(BroadcastRecipient)
        .where(BroadcastRecipient.broadcast_id == broadcast_id)
        .order_by(BroadcastRecipient.kind, BroadcastRecipient.id)
    )
    return list(await session.scalars(query))


async def acks(session: AsyncSession, broadcast_id: int) -> list[BroadcastAck]:
    """Acknowledgements in the order they came."""
    query = (
        select(BroadcastAck)
        .where(BroadcastAck.broadcast_id == broadcast_id)
        .order_by(BroadcastAck.acked_at, BroadcastAck.id)
    )
    return list(await session.scalars(query))


async def follow_chat(session: AsyncSession, old_target: Target, new_target: Target) -> int:
    """A group chat ``old`` now has the address ``new``: every broadcast that names it records
    the move, so messages go to ``new`` and acks from there count for the group.

    Returns:
        How many recipients were updated.
    """
    old, new = str(old_target), str(new_target)
    quoted = json.dumps(old, ensure_ascii=False)  # as JSONText stores it, quotes included
    rows = await session.scalars(
        select(BroadcastRecipient).where(
            BroadcastRecipient.kind == RecipientKind.GROUP.value,
            cast(BroadcastRecipient.targets, Text).contains(quoted, autoescape=True),
        )
    )
    moved = 0
    for recipient in rows:
        if recipient.targets[-1] == old:
            recipient.targets = [*recipient.targets, new]
            moved += 1
    return moved

"""Group chats registered with channel tags (防汛, 森林防火, 全体 …) for broadcasts and pushes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.errors import UserError
from bot.core.messages import Target
from bot.store.base import Base


class ChatGroup(Base):
    """A group chat on some platform that the bot may post into."""

    __tablename__ = "chat_groups"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(100))
    registered_at: Mapped[datetime]
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    channel_rows: Mapped[list[GroupChannel]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def channels(self) -> list[str]:
        """Channel tags, sorted."""
        return sorted(c.channel for c in self.channel_rows)

    @property
    def target(self) -> Target:
        """Where to send to reach this group."""
        return Target(self.platform, self.chat_id)


class GroupChannel(Base):
    """One channel tag on one group."""

    __tablename__ = "group_channels"

    group_id: Mapped[int] = mapped_column(ForeignKey("chat_groups.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


def check_channels(channels: Sequence[str], known: Sequence[str]) -> list[str]:
    """Validate channel tags against config; returns them de-duplicated in order."""
    if not channels:
        raise UserError(f"请至少指定一个频道，可选：{'、'.join(known)}")
    unknown = [c for c in channels if c not in known]
    if unknown:
        raise UserError(
            f"未知频道：{'、'.join(unknown)}。可选：{'、'.join(known)}"
            "（在 config.yaml 的 channels 中配置）"
        )
    return list(dict.fromkeys(channels))


async def register(
    session: AsyncSession,
    *,
    target: Target,
    title: str,
    channels: list[str],
    now: datetime,
    by_user: int | None = None,
) -> tuple[ChatGroup, bool]:
    """Register a group or add tags to it. Returns the group and whether it is new."""
    group = await find(session, target)
    created = group is None
    if group is None:
        group = ChatGroup(
            platform=target.platform,
            chat_id=target.address,
            title=title or target.address,
            registered_at=now,
            registered_by=by_user,
        )
        session.add(group)
    elif title:
        group.title = title
    have = set(group.channels)
    group.channel_rows.extend(GroupChannel(channel=c) for c in channels if c not in have)
    await session.flush()
    return group, created


async def find(session: AsyncSession, target: Target) -> ChatGroup | None:
    """The registered group at ``target``, if any."""
    return await session.scalar(
        select(ChatGroup).where(
            ChatGroup.platform == target.platform, ChatGroup.chat_id == target.address
        )
    )


async def untag(session: AsyncSession, group: ChatGroup, channels: list[str]) -> None:
    """Remove tags; a group left with none is unregistered."""
    group.channel_rows = [c for c in group.channel_rows if c.channel not in channels]
    if not group.channel_rows:
        await session.delete(group)
    await session.flush()


async def list_groups(session: AsyncSession, channel: str | None = None) -> list[ChatGroup]:
    """All registered groups, or those tagged with ``channel``."""
    query = select(ChatGroup).order_by(ChatGroup.platform, ChatGroup.title)
    if channel:
        query = query.join(GroupChannel).where(GroupChannel.channel == channel)
    return list(await session.scalars(query))


async def move(session: AsyncSession, old: Target, new: Target) -> int:
    """Follow a chat that changed id (Telegram supergroup migration): its registration moves
    with it. Returns 1 when the group was registered, else 0."""
    group = await find(session, old)
    if group is not None:
        group.chat_id = new.address
    await session.flush()
    return int(group is not None)

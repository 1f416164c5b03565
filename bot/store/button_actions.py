"""Button action tokens: a short opaque token standing for a button's command when the platform
limits how much a button may carry (Telegram callback_data ≤ 64 bytes; cards on WeCom and
DingTalk alike).

A token is derived from the command itself, so sending the same button again reuses its row.
A token leads only to a command text: pressing it is the same as typing that command, and the
dispatcher checks the presser's roles as for any message.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime

from sqlalchemy import String, Text, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, insert_ignore

TOKEN_LENGTH = 22  # 132 bits of SHA-256: collisions are out of reach


class ButtonAction(Base):
    """The command behind one token."""

    __tablename__ = "button_actions"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    command: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime] = mapped_column(index=True)


def token_of(command: str) -> str:
    """The token for ``command`` (URL-safe, ASCII, ``TOKEN_LENGTH`` characters)."""
    digest = hashlib.sha256(command.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:TOKEN_LENGTH]


async def token_for(session: AsyncSession, command: str, now: datetime) -> str:
    """Store ``command`` (once) and return its token; sending it again keeps it alive."""
    token = token_of(command)
    await session.execute(
        insert_ignore(session, ButtonAction).values(
            token=token, command=command, created_at=now, last_used_at=now
        )
    )
    await session.execute(
        update(ButtonAction).where(ButtonAction.token == token).values(last_used_at=now)
    )
    return token


async def command_for(session: AsyncSession, token: str) -> str | None:
    """The command behind ``token``, or None when unknown or purged."""
    return await session.scalar(select(ButtonAction.command).where(ButtonAction.token == token))


async def purge(session: AsyncSession, before: datetime) -> int:
    """Forget tokens not sent since ``before``; returns how many."""
    result = await session.execute(delete(ButtonAction).where(ButtonAction.last_used_at < before))
    return int(result.rowcount)  # type: ignore[attr-defined]

"""The directory as the web dashboard looks people up (bot/web/guard.py's ``People``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.roles import UserInfo
from models.directory.users import User, find_user


class Directory:
    """Active people by id (each request of a session) and by what they type to sign in."""

    async def active(self, session: AsyncSession, user_id: int) -> UserInfo | None:
        """The active person with this id; None when unknown or revoked."""
        user = await session.get(User, user_id)
        return user.info() if user is not None and user.active else None

    async def find(self, session: AsyncSession, ref: str) -> UserInfo:
        """The active person ``编号``, ``姓名`` or ``姓名@单位`` names.

        Raises:
            UserError: nobody, or more than one person, fits.
        """
        return (await find_user(session, ref)).info()

"""Linking chat accounts to people: one-time bind codes and (platform, external id) bindings."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, UniqueConstraint, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.errors import UserError
from bot.core.roles import Role, UserInfo
from bot.store.base import Base, table_of
from bot.store.sql import Prepared
from models.directory.users import OrgUnit, User, UserRole, find_user, users_with_role

# No 0/O, 1/I/L: codes are read aloud over the phone and typed on phones.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


class Binding(Base):
    """A chat account that speaks for a person."""

    __tablename__ = "bindings"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    bound_at: Mapped[datetime]


class BindCode(Base):
    """A one-time code; only its hash is stored."""

    __tablename__ = "bind_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


async def issue_code(session: AsyncSession, user: User, now: datetime, ttl: timedelta) -> str:
    """Create a fresh code for ``user`` and retire their earlier unused ones."""
    await session.execute(
        delete(BindCode).where(BindCode.user_id == user.id, BindCode.used_at.is_(None))
    )
    code = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
    session.add(BindCode(code_hash=_hash(code), user_id=user.id, expires_at=now + ttl))
    await session.flush()
    return code


# One round trip per message: the person, their unit and every role, as one row per role.
_U, _B, _O, _R = (table_of(m) for m in (User, Binding, OrgUnit, UserRole))
_RESOLVE = Prepared(
    select(_U.c.id, _U.c.name, _O.c.name, _U.c.phone, _R.c.role)
    .select_from(
        _U.join(_B, _B.c.user_id == _U.c.id)
        .join(_O, _O.c.id == _U.c.org_id)
        .join(_R, _R.c.user_id == _U.c.id)
    )
    .where(
        _B.c.platform == bindparam("platform"),
        _B.c.external_id == bindparam("external_id"),
        _U.c.active.is_(True),
    )
)


async def resolve(session: AsyncSession, platform: str, external_id: str) -> UserInfo | None:
    """The active person bound to this chat account, if any."""
    params = {"platform": platform, "external_id": external_id}
    found = (await _RESOLVE.execute(session, params)).rows
    if not found:
        return None
    user_id, name, org, phone, _ = found[0]
    return UserInfo(user_id, name, org, frozenset(Role(r[4]) for r in found), phone)


async def bind_account(
    session: AsyncSession, user: User, platform: str, external_id: str, now: datetime
) -> None:
    """Link an account directly (CLI and demo); refuses an account already linked elsewhere."""
    other = await session.scalar(
        select(Binding).where(Binding.platform == platform, Binding.external_id == external_id)
    )
    if other is not None and other.user_id != user.id:
        raise UserError(f"账号 {platform}:{external_id} 已绑定其他人员，请先解除")
    if other is None:
        session.add(
            Binding(platform=platform, external_id=external_id, user_id=user.id, bound_at=now)
        )
        await session.flush()


async def redeem(
    session: AsyncSession, code: str, platform: str, external_id: str, now: datetime
) -> UserInfo:
    """Use a bind code to link the caller's account.

    Raises:
        UserError: unknown, used or expired code, or an account already linked.
    """
    row = await session.scalar(select(BindCode).where(BindCode.code_hash == _hash(code)))
    if row is None or row.used_at is not None:
        raise UserError("绑定码无效或已使用。请核对后重试，或请管理员重新生成。")
    if row.expires_at <= now:
        raise UserError("绑定码已过期，请联系管理员重新生成。")
    user = await session.get(User, row.user_id)
    if user is None or not user.active:
        raise UserError("该绑定码对应的人员已停用，请联系管理员。")
    await bind_account(session, user, platform, external_id, now)
    # Guard against two people racing to use the same code.
    used = await session.execute(
        update(BindCode)
        .where(BindCode.id == row.id, BindCode.used_at.is_(None))
        .values(used_at=now)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise UserError("绑定码无效或已使用。请核对后重试，或请管理员重新生成。")
    return user.info()


async def unbind_all(session: AsyncSession, user_id: int) -> int:
    """Remove every chat account of a person (when revoked); returns how many."""
    result = await session.execute(delete(Binding).where(Binding.user_id == user_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def accounts_of(session: AsyncSession, user_id: int) -> list[Binding]:
    """Chat accounts linked to a person."""
    return list(await session.scalars(select(Binding).where(Binding.user_id == user_id)))


async def private_targets(
    session: AsyncSession, user_ids: list[int]
) -> list[tuple[int, str, str]]:
    """Every chat account of these people as (user id, platform, address for a private message)."""
    rows = await session.execute(
        select(Binding.user_id, Binding.platform, Binding.external_id)
        .join(User, User.id == Binding.user_id)
        .where(Binding.user_id.in_(user_ids), User.active.is_(True))
        .order_by(Binding.user_id, Binding.platform)
    )
    return [(int(u), str(p), str(e)) for u, p, e in rows]


class Accounts:
    """The directory behind :class:`bot.core.ports.Directory`: bindings resolve callers."""

    async def resolve(
        self, session: AsyncSession, platform: str, external_id: str
    ) -> UserInfo | None:
        """The active person bound to this chat account, if any."""
        return await resolve(session, platform, external_id)

    async def admin_accounts(self, session: AsyncSession) -> list[tuple[int, str, str]]:
        """Every chat account of every active admin, for alerts the runtime raises."""
        admins = await users_with_role(session, Role.ADMIN)
        return await private_targets(session, [a.id for a in admins])


class WebPeople:
    """The directory behind :class:`bot.web.guard.People`: the web dashboard looks up the active
    person of a session on each request, and the person a name names at a password sign-in."""

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

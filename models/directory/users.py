"""People, their org units and roles; looking a person up by name or by chat account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from bot.core.errors import UserError
from bot.core.roles import Role, UserInfo
from bot.store.base import Base


class OrgUnit(Base):
    """A 部门 or 乡镇."""

    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="部门")


class User(Base):
    """A person known to the office. Chat accounts are linked through bindings."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    phone: Mapped[str | None] = mapped_column(String(30), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    org: Mapped[OrgUnit] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> frozenset[Role]:
        """Roles held, as enum values."""
        return frozenset(Role(r.role) for r in self.role_rows)

    def info(self) -> UserInfo:
        """A detached, immutable view for handlers."""
        return UserInfo(self.id, self.name, self.org.name, self.roles, self.phone)


class UserRole(Base):
    """One role held by one user."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


async def get_or_create_org(session: AsyncSession, name: str, kind: str = "部门") -> OrgUnit:
    """Find an org unit by name, creating it when new."""
    name = name.strip()
    if not name:
        raise UserError("单位名称不能为空，例如 --org 应急管理局")
    org = await session.scalar(select(OrgUnit).where(OrgUnit.name == name))
    if org is None:
        org = OrgUnit(name=name, kind=kind)
        session.add(org)
        await session.flush()
    return org


async def add_user(
    session: AsyncSession,
    *,
    name: str,
    org: str,
    roles: set[Role],
    now: datetime,
    phone: str | None = None,
) -> User:
    """Register a person. Refuses a duplicate name within the same unit."""
    name = name.strip()
    if not name:
        raise UserError("姓名不能为空，例如 --name 张三")
    if not roles:
        raise UserError("至少需要一个角色，例如 --role officer")
    unit = await get_or_create_org(session, org)
    clash = await session.scalar(select(User).where(User.name == name, User.org_id == unit.id))
    if clash is not None:
        raise UserError(f"{unit.name} 已有人员 {name}（编号 {clash.id}），无需重复添加")
    user = User(name=name, org=unit, phone=phone, created_at=now)
    user.role_rows = [UserRole(role=r.value) for r in sorted(roles)]
    session.add(user)
    await session.flush()
    return user


async def find_user(session: AsyncSession, ref: str) -> User:
    """Find an active person by ``编号``, ``姓名`` or ``姓名@单位``.

    Raises:
        UserError: when nobody or more than one person matches.
    """
    ref = ref.strip().lstrip("@")
    query = select(User).options(selectinload(User.role_rows)).where(User.active.is_(True))
    if ref.isdigit():
        found = list(await session.scalars(query.where(User.id == int(ref))))
    else:
        name, _, org = ref.partition("@")
        query = query.where(User.name == name)
        if org:
            query = query.join(OrgUnit).where(OrgUnit.name == org)
        found = list(await session.scalars(query))
    if not found:
        raise UserError(f"找不到人员「{ref}」，可用 dutybot users list 查看在册人员")
    if len(found) > 1:
        options = "、".join(f"{u.name}@{u.org.name}" for u in found)
        raise UserError(f"有多名「{ref}」：{options}，请写成 姓名@单位")
    return found[0]


async def users_with_role(session: AsyncSession, role: Role) -> list[User]:
    """Active users holding ``role``, by name."""
    query = (
        select(User)
        .join(UserRole)
        .where(UserRole.role == role.value, User.active.is_(True))
        .order_by(User.name)
    )
    return list(await session.scalars(query))


async def set_roles(session: AsyncSession, user: User, roles: set[Role]) -> None:
    """Replace a person's roles."""
    if not roles:
        raise UserError("至少保留一个角色；如要停用此人请用 users revoke")
    user.role_rows = [UserRole(role=r.value) for r in sorted(roles)]
    await session.flush()

"""People, their org units and roles; looking a person up by name or by chat account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from bot.core import inbound, phones
from bot.core.errors import UserError
from bot.core.roles import Role, UserInfo
from bot.store.base import Base


class AmbiguousPerson(UserError):
    """A name that fits more than one person; the message names each and how to pick."""


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
    name = inbound.clean(name).strip()
    if not name:
        raise UserError("单位名称不能为空，例如 --org 应急管理局")
    org = await session.scalar(select(OrgUnit).where(OrgUnit.name == name))
    if org is None:
        org = OrgUnit(name=name, kind=kind)
        session.add(org)
        await session.flush()
    return org


async def unit_named(session: AsyncSession, name: str, *, create: bool = False) -> OrgUnit:
    """The unit called ``name``; a new one only when ``create`` (a typo must not make a unit).

    Raises:
        UserError: empty name, or an unknown one without ``create`` (listing the known units).
    """
    name = name.strip()
    if not name:
        raise UserError("单位名称不能为空，例如 --org 县应急管理局")
    org = await session.scalar(select(OrgUnit).where(OrgUnit.name == name))
    if org is not None or create:
        return org or await get_or_create_org(session, name)
    known = "、".join(await session.scalars(select(OrgUnit.name).order_by(OrgUnit.id)))
    raise UserError(
        f"没有单位「{name}」。已登记的单位：{known or '（无）'}。"
        "请核对单位名称；确需新建单位，请加 --new-unit"
    )


async def add_user(
    session: AsyncSession,
    *,
    name: str,
    org: str,
    roles: set[Role],
    now: datetime,
    phone: str | None = None,
    new_unit: bool = False,
    allow_duplicate: bool = False,
) -> User:
    """Register a person in an existing unit (``new_unit`` creates it).

    Refuses a second person of the same name in the same unit unless ``allow_duplicate``:
    namesakes are then told apart by 编号 everywhere a name is looked up.
    """
    name = inbound.clean(name).strip()
    if not name:
        raise UserError("姓名不能为空，例如 --name 张三")
    if not roles:
        raise UserError("至少需要一个角色，例如 --role officer")
    try:
        phone = phones.optional(phone) or None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    unit = await unit_named(session, org, create=new_unit)
    clash = await session.scalar(
        select(User).where(User.name == name, User.org_id == unit.id).limit(1)
    )
    if clash is not None and not allow_duplicate:
        raise UserError(
            f"{unit.name} 已有人员 {name}（编号 {clash.id}），无需重复添加；"
            "确是同名的另一人，请加 --allow-duplicate"
        )
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
        raise AmbiguousPerson(ambiguous(ref, found))
    return found[0]


def ambiguous(ref: str, found: list[User]) -> str:
    """``有多名「李四」：…`` naming each so the caller can pick one: 姓名@单位, or the 编号 when
    two share the unit too."""
    units = [u.org.name for u in found]
    options = "、".join(
        f"{u.name}@{u.org.name}" if units.count(u.org.name) == 1 else f"{u.name}（编号 {u.id}）"
        for u in found
    )
    how = "姓名@单位" + ("，同单位同名请写编号" if len(set(units)) < len(units) else "")
    return f"有多名「{ref}」：{options}，请写成 {how}"


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

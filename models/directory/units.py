"""Org units as every feature sees them: who works where, and acting only for one's own unit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import UserError
from bot.core.roles import Role, UserInfo
from bot.core.scope import OutOfScope
from models.directory.users import OrgUnit, User, UserRole


def require_unit(me: UserInfo, units: list[str], label: str) -> None:
    """Only people of the handling unit(s) may act on an item (whatever they may see)."""
    if me.org not in units:
        raise OutOfScope(f"{label} 由 {units[0]} 承办，您（{me.org}）不能办理此项。")


async def unit_people(session: AsyncSession, org_id: int, role: Role) -> list[User]:
    """Active people of one unit holding ``role`` (联络员, 单位领导)."""
    query = (
        select(User)
        .join(UserRole)
        .where(User.org_id == org_id, UserRole.role == role.value, User.active.is_(True))
        .order_by(User.id)
    )
    return list(await session.scalars(query))


async def find_org(session: AsyncSession, name: str) -> OrgUnit:
    """An existing unit by name; refuses unknown names with the known ones listed."""
    org = await session.scalar(select(OrgUnit).where(OrgUnit.name == name.strip()))
    if org is None:
        known = "、".join(await session.scalars(select(OrgUnit.name).order_by(OrgUnit.id)))
        raise UserError(f"没有单位「{name}」。已登记的单位：{known}")
    return org

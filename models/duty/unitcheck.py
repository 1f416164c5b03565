"""县级查岗 of townships and departments: each unit's people on duty are asked to answer 「在岗」,
the unit's 值班电话 is listed for the caller to ring, response times are kept per unit and summed
up by month (查岗通报)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core import phones
from bot.core.clock import LocalTime
from bot.core.errors import UserError
from bot.core.roles import Role
from bot.store import due
from bot.store.base import Base
from models.directory.units import find_org, unit_people
from models.directory.users import OrgUnit
from models.duty import due as duty_due
from models.duty.rollcall import month_window, response_figures
from models.duty.settings import RollCallConfig

ESCALATE = "duty-unitcheck"


class UnitCheck(Base):
    """One unit asked once; answered by whichever of its people on duty answers first."""

    __tablename__ = "duty_unit_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    asked_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    phone: Mapped[str] = mapped_column(String(30), default="")
    asked_at: Mapped[datetime] = mapped_column(index=True)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    org: Mapped[OrgUnit] = relationship(lazy="joined")

    @property
    def seconds(self) -> int | None:
        """Response time in seconds, when answered."""
        if self.answered_at is None:
            return None
        return int((self.answered_at - self.asked_at).total_seconds())


class UnitPhone(Base):
    """A unit's 值班电话: an office line, not a person's, so it is shown unmasked."""

    __tablename__ = "duty_unit_phones"

    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    phone: Mapped[str] = mapped_column(String(30))


def prefix(check_id: int) -> str:
    """Key prefix of one check's escalation."""
    return f"duty:unitcheck:{check_id}:"


async def set_phone(session: AsyncSession, unit: str, phone: str) -> tuple[OrgUnit, str]:
    """Record ``unit``'s 值班电话 (validated, written in its plain form)."""
    org = await find_org(session, unit)
    try:
        plain = phones.normalize(phone)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    row = await session.get(UnitPhone, org.id)
    if row is None:
        session.add(UnitPhone(org_id=org.id, phone=plain))
    else:
        row.phone = plain
    await session.flush()
    return org, plain


async def targets(
    session: AsyncSession, names: list[str], kinds: tuple[str, ...]
) -> list[OrgUnit]:
    """The units named, or every unit of ``kinds`` (乡镇, 部门) when none is named."""
    if names:
        return [await find_org(session, name) for name in dict.fromkeys(names)]
    query = select(OrgUnit).where(OrgUnit.kind.in_(kinds)).order_by(OrgUnit.id)
    found = list(await session.scalars(query))
    if not found:
        raise UserError(f"没有类别为 {'、'.join(kinds)} 的单位；请写出要查岗的单位名称。")
    return found


async def call(
    session: AsyncSession,
    now: datetime,
    cfg: RollCallConfig,
    orgs: list[OrgUnit],
    by_user_id: int | None,
) -> list[UnitCheck]:
    """Ask each unit's 联络员 (its people on duty for the county) and plan the no-answer alert."""
    checks = []
    for org in orgs:
        people = await unit_people(session, org.id, Role.LIAISON)
        phone = await session.get(UnitPhone, org.id)
        check = UnitCheck(
            org_id=org.id,
            asked_ids=[p.id for p in people],
            by_user_id=by_user_id,
            phone=phone.phone if phone else "",
            asked_at=now,
        )
        session.add(check)
        checks.append(check)
    await session.flush()
    for check in checks:
        await session.refresh(check)  # loads ``org`` for the caller's reply
        await duty_due.escalations(
            session,
            now,
            kind=ESCALATE,
            prefix=prefix(check.id),
            payload={"check_id": check.id},
            tiers={"caller": cfg.unit_answer_minutes},
        )
    return checks


async def answer(
    session: AsyncSession, user_id: int, org_id: int, now: datetime, check_id: int | None
) -> UnitCheck | None:
    """Record 「在岗」 for the unit's open check (the given one, else the latest)."""
    query = select(UnitCheck).where(UnitCheck.org_id == org_id, UnitCheck.answered_at.is_(None))
    if check_id is not None:
        query = query.where(UnitCheck.id == check_id)
    check = (await session.scalars(query.order_by(UnitCheck.asked_at.desc()))).first()
    if check is None:
        return None
    check.answered_at, check.answered_by = now, user_id
    await due.cancel(session, prefix(check.id))
    await session.flush()
    return check


@dataclass(frozen=True, slots=True)
class UnitMonth:
    """One unit's checks in a month."""

    unit: str
    asked: int
    answered: int
    on_time: int
    average_seconds: int | None

    @property
    def missed(self) -> int:
        """Checks never answered."""
        return self.asked - self.answered


async def month_stats(
    session: AsyncSession, tz: LocalTime, first: date, answer_minutes: int
) -> list[UnitMonth]:
    """Per unit in the month of ``first``: asked, answered, in time, average response."""
    start, end = month_window(tz, first)
    rows = await session.scalars(
        select(UnitCheck).where(UnitCheck.asked_at >= start, UnitCheck.asked_at < end)
    )
    by_unit: dict[str, list[UnitCheck]] = {}
    for row in rows:
        by_unit.setdefault(row.org.name, []).append(row)
    return [
        UnitMonth(unit, *response_figures([i.seconds for i in items], answer_minutes))
        for unit, items in sorted(by_unit.items())
    ]


async def unit_month(
    session: AsyncSession, tz: LocalTime, org_id: int, first: date
) -> list[UnitCheck]:
    """One unit's checks in the month of ``first``, oldest first."""
    start, end = month_window(tz, first)
    query = (
        select(UnitCheck)
        .where(UnitCheck.org_id == org_id, UnitCheck.asked_at >= start, UnitCheck.asked_at < end)
        .order_by(UnitCheck.asked_at)
    )
    return list(await session.scalars(query))


async def phone_of(session: AsyncSession, org_id: int) -> str:
    """A unit's registered 值班电话, or empty."""
    row = await session.get(UnitPhone, org_id)
    return row.phone if row is not None else ""

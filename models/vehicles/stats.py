"""Monthly use per unit: trips, hours and kilometres (where recorded at 还车)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import LocalTime
from bot.core.errors import UserError
from models.directory.users import OrgUnit
from models.vehicles.records import Booking, Status

#: Bookings that count as a trip: dispatched (to come or under way) and returned.
TRIPS = (Status.ASSIGNED.value, Status.RETURNED.value)
HEADER = ("单位", "出车次数", "用车时长（小时）", "行驶里程（公里）", "已登记里程的次数")


@dataclass
class UnitUse:
    """One unit's figures for the month."""

    unit: str
    trips: int = 0
    hours: float = 0.0
    km: int = 0
    km_trips: int = 0

    def row(self) -> tuple[str, int, float, int, int]:
        """The figures as one table row."""
        return (self.unit, self.trips, round(self.hours, 1), self.km, self.km_trips)


def parse_month(text: str | None, today: date) -> date:
    """``2026-12`` / ``2026年12月`` / ``12月`` / nothing (this month) → the month's first day.

    Raises:
        UserError: anything else.
    """
    raw = (text or "").strip().replace("年", "-").replace("月", "").replace("/", "-")
    try:
        if not raw:
            return today.replace(day=1)
        year, _, month = raw.rpartition("-")
        return date(int(year) if year else today.year, int(month), 1)
    except ValueError:
        raise UserError(f"月份「{text}」无法识别，请写作 2026-12 或 12月。") from None


def window(first: date, tz: LocalTime) -> tuple[datetime, datetime]:
    """The month starting on ``first`` as a half-open UTC interval of local time."""
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return tz.start_of_day(first), tz.start_of_day(after)


async def monthly(
    session: AsyncSession, first: date, tz: LocalTime, unit: str | None = None
) -> list[UnitUse]:
    """Per unit (only ``unit`` when given), the trips that depart in the month starting on
    ``first``. A trip's hours run from departure to 还车, or to its booked end when no 还车 was
    recorded."""
    start, end = window(first, tz)
    query = (
        select(Booking)
        .where(Booking.status.in_(TRIPS), Booking.start_at >= start, Booking.start_at < end)
        .order_by(Booking.start_at)
    )
    if unit is not None:
        query = query.join(OrgUnit, Booking.org_id == OrgUnit.id).where(OrgUnit.name == unit)
    found: dict[str, UnitUse] = {}
    for booking in await session.scalars(query):
        use = found.setdefault(booking.org.name, UnitUse(booking.org.name))
        finish = booking.returned_at or booking.end_at
        use.trips += 1
        use.hours += max((finish - booking.start_at).total_seconds(), 0) / 3600
        if booking.km is not None:
            use.km += booking.km
            use.km_trips += 1
    return sorted(found.values(), key=lambda u: (-u.trips, u.unit))


def total(uses: list[UnitUse]) -> UnitUse:
    """The 合计 row."""
    out = UnitUse("合计")
    for use in uses:
        out.trips, out.hours = out.trips + use.trips, out.hours + use.hours
        out.km, out.km_trips = out.km + use.km, out.km_trips + use.km_trips
    return out

"""The driver's reminder before departure: one due row per dispatched booking, at the start
less the rule table's ``vehicle.remind`` lead time (docs/rules.md §公车调派 vehicles)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from models.deadlines import clocks
from models.vehicles.records import Booking, Status

KIND = "vehicle"
_SECONDS = {"分钟": 60, "小时": 3600, "自然日": 86400}


def lead(config: Config) -> timedelta:
    """How long before departure the driver is reminded.

    Raises:
        ValueError: the rule is counted in working days or months, which a lead time is not.
    """
    rule = config.rules["vehicle.remind"]
    if rule.unit not in _SECONDS:
        raise ValueError("rules.vehicle.remind 的单位应为 分钟、小时 或 自然日")
    return timedelta(seconds=rule.amount * _SECONDS[rule.unit])


def remind_at(booking: Booking, config: Config) -> datetime:
    """When the driver of ``booking`` is reminded."""
    return booking.start_at - lead(config)


async def replan(
    session: AsyncSession, now: datetime, booking: Booking, config: Config
) -> dict[str, datetime]:
    """The reminder row of a dispatched booking whose reminder time is still ahead; none for
    any other (declined, cancelled, returned, or dispatched inside the lead time — the
    dispatch message itself tells the driver then)."""
    wanted = {}
    if booking.status == Status.ASSIGNED.value and remind_at(booking, config) > now:
        wanted["remind"] = remind_at(booking, config)
    return await clocks.sync(
        session,
        now,
        prefix=f"vehicle:{booking.id}:",
        kind=KIND,
        wanted=wanted,
        payload={"booking": booking.id},
    )

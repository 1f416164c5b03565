"""Revoking a person, for 公车调派: a driver leaves the list for new dispatches, and the coming
trips they still drive are named to whoever revokes, so each can be cancelled and dispatched
again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.clock import LocalTime
from models.directory.revoke import Revocation
from models.vehicles.records import Booking, Driver, Status

MAX_SHOWN = 10


async def settle_vehicles(
    session: AsyncSession, config: Config, tz: LocalTime, rev: Revocation
) -> list[str]:
    """Retire the person as a driver and name their coming dispatched trips."""
    del config  # no rule is re-planned: the trips keep their reminders until re-dispatched
    driver = await session.scalar(select(Driver).where(Driver.user_id == rev.person.id))
    if driver is None or not driver.active:
        return []
    driver.active = False
    query = (
        select(Booking)
        .where(Booking.driver_id == driver.id, Booking.status == Status.ASSIGNED.value)
        .where(Booking.end_at > rev.now)
        .order_by(Booking.start_at)
    )
    coming = list(await session.scalars(query))
    lines = [f"已停用驾驶员 {rev.person.name}"]
    if not coming:
        return lines
    shown = "；".join(f"{b.label} {tz.fmt(b.start_at)}" for b in coming[:MAX_SHOWN])
    more = f" 等 {len(coming)} 趟" if len(coming) > MAX_SHOWN else ""
    return [
        *lines,
        f"⚠ 仍派给其的行程{more}：{shown}。请车辆调度告知申请人，取消后重新申请派车。",
    ]

"""The rules of a 用车申请: what a request may ask, which vehicles and drivers are free for its
window (half-open intervals), and the one assignment that wins when two dispatchers race."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import LocalTime
from bot.core.errors import UserError
from models.directory.users import User
from models.vehicles.records import (
    Booking,
    Driver,
    Status,
    Vehicle,
    VehicleStatus,
    get,
    guard,
    vehicle_by_plate,
)
from models.vehicles.settings import VehiclesConfig

#: Bookings that hold their vehicle and driver for their window.
HOLDING = (Status.ASSIGNED.value,)


@dataclass(frozen=True, slots=True)
class Request:
    """A request as typed, checked and ready to store."""

    start_at: datetime
    end_at: datetime
    destination: str
    passengers: int
    purpose: str


def check(
    config: VehiclesConfig,
    now: datetime,
    tz: LocalTime,
    window: tuple[datetime, datetime],
    destination: str,
    passengers: int,
    purpose: str,
) -> Request:
    """A request within the rules, or a UserError saying what to fix.

    Raises:
        UserError: a start in the past, an end not after the start, a trip over
            ``max_days``, a passenger count outside 1–``max_passengers``, empty or marked text.
    """
    start, end = window
    if start < now:
        raise UserError(f"出发时间 {tz.fmt(start)} 已经过去，请填写将来的时间。")
    if end <= start:
        raise UserError(f"返回时间 {tz.fmt(end)} 应晚于出发时间 {tz.fmt(start)}。")
    if end - start > timedelta(days=config.max_days):
        raise UserError(f"单次用车最长 {config.max_days} 天，更长的行程请分段申请或联系车辆调度。")
    if not 1 <= passengers <= config.max_passengers:
        raise UserError(f"乘车人数应为 1 至 {config.max_passengers} 人，您填写的是 {passengers}。")
    place = guard(destination, "目的地")
    reason = guard(purpose, "用车事由")
    if not place or not reason:
        raise UserError("请写明目的地和用车事由。")
    return Request(start, end, place[:100], passengers, reason[:200])


def _overlapping(booking: Booking) -> ColumnElement[bool]:
    """Holding bookings whose window meets ``booking``'s: [s1, e1) ∩ [s2, e2) ≠ ∅."""
    return (
        Booking.status.in_(HOLDING)
        & (Booking.id != booking.id)
        & (Booking.start_at < booking.end_at)
        & (Booking.end_at > booking.start_at)
    )


async def busy(session: AsyncSession, booking: Booking) -> tuple[set[int], set[int]]:
    """Ids of the vehicles and drivers already held during ``booking``'s window."""
    rows = await session.execute(
        select(Booking.vehicle_id, Booking.driver_id).where(_overlapping(booking))
    )
    vehicles: set[int] = set()
    drivers: set[int] = set()
    for vehicle_id, driver_id in rows:
        # a holding booking always has both; None would only be a row from outside the bot
        vehicles.add(vehicle_id or 0)
        drivers.add(driver_id or 0)
    return vehicles, drivers


async def free(session: AsyncSession, booking: Booking) -> tuple[list[Vehicle], list[Driver]]:
    """Vehicles in service with seats for the passengers (and the driver), and active drivers,
    that nothing else holds during ``booking``'s window."""
    held_vehicles, held_drivers = await busy(session, booking)
    vehicles = await session.scalars(
        select(Vehicle)
        .where(Vehicle.status == VehicleStatus.IN_SERVICE.value)
        .where(Vehicle.seats > booking.passengers)
        .order_by(Vehicle.seats, Vehicle.plate)
    )
    drivers = await session.scalars(select(Driver).where(Driver.active.is_(True)))
    return (
        [v for v in vehicles if v.id not in held_vehicles],
        sorted((d for d in drivers if d.id not in held_drivers), key=lambda d: d.user.name),
    )


async def coming(session: AsyncSession, now: datetime, vehicle_id: int) -> list[Booking]:
    """Dispatched bookings of the vehicle that have not ended, soonest first."""
    query = select(Booking).where(
        Booking.vehicle_id == vehicle_id,
        Booking.status.in_(HOLDING),
        Booking.end_at > now,
    )
    return list(await session.scalars(query.order_by(Booking.start_at)))


async def _clash(
    session: AsyncSession, booking: Booking, column: ColumnElement[bool]
) -> Booking | None:
    query = select(Booking).where(_overlapping(booking) & column).order_by(Booking.start_at)
    return await session.scalar(query.limit(1))


async def driver_named(session: AsyncSession, name: str, *, lock: bool = False) -> Driver:
    """The active driver called ``name`` (row-locked when ``lock``), or a UserError."""
    query = select(Driver).join(User, Driver.user_id == User.id).where(Driver.active.is_(True))
    query = query.where(User.name == name.strip().lstrip("@"))
    found = list(await session.scalars(query.with_for_update(of=Driver) if lock else query))
    if len(found) != 1:
        more = "有重名，请联系管理员区分" if found else "不是在册驾驶员"
        raise UserError(f"「{name}」{more}。发送 /car_fleet 查看驾驶员。")
    return found[0]


async def assign(
    session: AsyncSession,
    booking_id: int,
    plate: str,
    driver_name: str,
    *,
    dispatcher_id: int,
    now: datetime,
    tz: LocalTime,
) -> Booking:
    """Give a waiting request its vehicle and driver.

    The booking, the vehicle and then the driver are locked in that order (``FOR UPDATE`` on
    PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), so of two dispatchers
    assigning the same vehicle or driver at once the second sees the first's booking and is
    refused naming it.

    Raises:
        UserError: the request is not waiting or already started, the vehicle is under repair
            or too small, or the vehicle or driver is held by an overlapping booking.
    """
    booking = await get(session, booking_id, lock=True)
    if booking.status != Status.ASKED.value:
        raise UserError(f"{booking.label} 当前为「{booking.status}」，不能再派车。")
    if booking.start_at <= now:
        raise UserError(f"{booking.label} 的出发时间 {tz.fmt(booking.start_at)} 已过，不能派车。")
    vehicle = await vehicle_by_plate(session, plate, lock=True)
    if vehicle.status != VehicleStatus.IN_SERVICE.value:
        raise UserError(f"{vehicle.label} 正在{vehicle.status}，不能派出。")
    if vehicle.seats <= booking.passengers:
        raise UserError(f"{vehicle.label} 坐不下 {booking.passengers} 名乘车人和驾驶员。")
    driver = await driver_named(session, driver_name, lock=True)
    for what, column in (
        (vehicle.label, Booking.vehicle_id == vehicle.id),
        (f"驾驶员 {driver.user.name}", Booking.driver_id == driver.id),
    ):
        clash = await _clash(session, booking, column)
        if clash is not None:
            raise UserError(
                f"{what} 在 {tz.fmt(clash.start_at)}—{tz.fmt(clash.end_at)} 已派给 "
                f"{clash.label}（{clash.org.name}，{clash.destination}），与本次时间重叠，请另选。"
            )
    booking.vehicle, booking.driver = vehicle, driver
    booking.vehicle_id, booking.driver_id = vehicle.id, driver.id
    booking.status, booking.dispatcher_id, booking.decided_at = (
        Status.ASSIGNED.value,
        dispatcher_id,
        now,
    )
    await session.flush()
    return booking

"""Keeping the fleet: adding a vehicle, setting it 在用/维修, registering and retiring drivers,
one at a time from chat or many from a file (models/vehicles/file_import.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.args import parse_int
from bot.core.errors import UserError
from models.directory.users import find_user
from models.vehicles.records import (
    KINDS,
    Driver,
    Vehicle,
    VehicleStatus,
    parse_plate,
    show_plate,
)

MAX_SEATS = 60  # a 大型客车 seats at most this many; more is a typo


def seats_of(text: str) -> int:
    """A seat count 2–``MAX_SEATS`` (driver included), or a UserError."""
    try:
        return parse_int(text.strip().removesuffix("座"), 2, MAX_SEATS)
    except ValueError:
        raise UserError(
            f"座位数「{text}」有误，应为 2 至 {MAX_SEATS} 的整数（含驾驶员）。"
        ) from None


def kind_of(text: str) -> str:
    """A vehicle type of :data:`KINDS`, or a UserError listing them."""
    if text.strip() not in KINDS:
        raise UserError(f"车型应为：{'、'.join(KINDS)}。")
    return text.strip()


def status_of(text: str) -> VehicleStatus:
    """在用 / 维修 (also 正常, 修理), or a UserError."""
    value = {"正常": "在用", "修理": "维修", "": "在用"}.get(text.strip(), text.strip())
    try:
        return VehicleStatus(value)
    except ValueError:
        raise UserError("车辆状态应为「在用」或「维修」。") from None


async def put_vehicle(
    session: AsyncSession, now: datetime, plate: str, seats: int, kind: str, status: VehicleStatus
) -> tuple[Vehicle, bool]:
    """Add the vehicle, or update the one with this plate; True when it is new."""
    stored = parse_plate(plate)
    found = await session.scalar(select(Vehicle).where(Vehicle.plate == stored))
    if found is None:
        found = Vehicle(plate=stored, seats=seats, kind=kind, status=status.value, created_at=now)
        session.add(found)
        await session.flush()
        return found, True
    found.seats, found.kind, found.status = seats, kind, status.value
    return found, False


async def set_status(session: AsyncSession, plate: str, status: VehicleStatus) -> Vehicle:
    """Mark a vehicle 在用 or 维修; bookings already dispatched keep it."""
    stored = parse_plate(plate)
    found = await session.scalar(select(Vehicle).where(Vehicle.plate == stored))
    if found is None:
        raise UserError(f"车队中没有 {show_plate(stored)}，发送 /car_fleet 查看车辆。")
    found.status = status.value
    return found


async def put_driver(session: AsyncSession, now: datetime, name: str) -> tuple[Driver, bool]:
    """Register a person of the directory as a driver (again); True when they were not one."""
    user = await find_user(session, name.strip().lstrip("@"))
    found = await session.scalar(select(Driver).where(Driver.user_id == user.id))
    if found is None:
        found = Driver(user_id=user.id, active=True, created_at=now)
        session.add(found)
        await session.flush()
        await session.refresh(found)
        return found, True
    was = found.active
    found.active = True
    return found, not was


async def retire_driver(session: AsyncSession, name: str) -> Driver:
    """Take a driver off the list; their past bookings keep naming them."""
    user = await find_user(session, name.strip().lstrip("@"))
    found = await session.scalar(select(Driver).where(Driver.user_id == user.id))
    if found is None or not found.active:
        raise UserError(f"{user.name} 不是在册驾驶员。")
    found.active = False
    return found

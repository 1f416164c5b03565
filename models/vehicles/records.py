"""公车调派 tables: vehicles (车牌, 座位, 车型, 在用/维修), drivers (people of the directory) and
bookings (用车申请), with the mainland plate format and the lookups every path shares."""

from __future__ import annotations

import enum
import re
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core import secrecy
from bot.core.errors import UserError
from bot.store.base import Base
from models.directory.users import OrgUnit, User

# GA 36-2018: a province's one-character abbreviation, the issuing office's letter (never I or O),
# then five letters or digits, or six for a new-energy vehicle (D/F first or last).
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(
    rf"^([{PROVINCES}])([A-HJ-NP-Z])[·•．.\s-]?"
    r"([A-HJ-NP-Z0-9]{5}|[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF])$"
)
PLATE_HINT = (
    "车牌应为省份简称 + 发牌机关字母 + 5 位（新能源 6 位）字母或数字，例如 赣A·12345 或 赣A12345"
)
KINDS = ("轿车", "越野车", "商务车", "中型客车", "大型客车", "皮卡", "其他")


class VehicleStatus(enum.StrEnum):
    """Whether a vehicle can be dispatched."""

    IN_SERVICE = "在用"
    REPAIR = "维修"


class Status(enum.StrEnum):
    """Where a 用车申请 stands."""

    ASKED = "待派车"
    ASSIGNED = "已派车"
    DECLINED = "已拒绝"
    CANCELLED = "已取消"
    RETURNED = "已还车"


def parse_plate(text: str) -> str:
    """The plate in its stored form (``赣A12345``), whatever separator was typed.

    Raises:
        UserError: not a mainland plate, with the format.
    """
    found = _PLATE.match(text.strip().upper())
    if found is None:
        raise UserError(f"车牌「{text.strip()[:20]}」格式不对。{PLATE_HINT}")
    return "".join(found.groups())


def show_plate(plate: str) -> str:
    """``赣A12345`` → ``赣A·12345``, as printed on the plate."""
    return f"{plate[:2]}·{plate[2:]}"


def guard(text: str, what: str) -> str:
    """Free text to be stored, refused whole when it carries a 密级 marking."""
    if (found := secrecy.find(text)) is not None:
        raise UserError(
            f"{what}含密级标识（{found.reason}），未保存。涉密用车请通过机要渠道办理。"
        )
    return text.strip()


class Vehicle(Base):
    """One vehicle of the fleet."""

    __tablename__ = "vehicles"

    id: Mapped[int] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(12), unique=True)
    seats: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]

    @property
    def label(self) -> str:
        """``赣A·12345（轿车，5座）``."""
        return f"{show_plate(self.plate)}（{self.kind}，{self.seats}座）"


class Driver(Base):
    """A person of the directory who drives the fleet."""

    __tablename__ = "vehicle_drivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    user: Mapped[User] = relationship(lazy="joined")


class Booking(Base):
    """One 用车申请 and, once dispatched, its vehicle and driver. Its interval is half-open:
    a trip ending at 12:00 and one starting at 12:00 do not clash."""

    __tablename__ = "vehicle_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    start_at: Mapped[datetime] = mapped_column(index=True)
    end_at: Mapped[datetime]
    destination: Mapped[str] = mapped_column(String(100))
    passengers: Mapped[int]
    purpose: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), index=True)
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id"), default=None)
    driver_id: Mapped[int | None] = mapped_column(ForeignKey("vehicle_drivers.id"), default=None)
    dispatcher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(String(200), default="")
    returned_at: Mapped[datetime | None] = mapped_column(default=None)
    km: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime]

    org: Mapped[OrgUnit] = relationship(lazy="joined")
    requester: Mapped[User] = relationship(foreign_keys=[requester_id], lazy="joined")
    vehicle: Mapped[Vehicle | None] = relationship(lazy="joined")
    driver: Mapped[Driver | None] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        """``用车申请 #3``."""
        return f"用车申请 #{self.id}"


async def get(session: AsyncSession, booking_id: int, *, lock: bool = False) -> Booking:
    """The booking (row-locked for a change when ``lock``), or a UserError naming the list."""
    query = select(Booking).where(Booking.id == booking_id)
    found = await session.scalar(query.with_for_update(of=Booking) if lock else query)
    if found is None:
        raise UserError(f"没有编号为 {booking_id} 的用车申请，发送 /cars 查看今日用车。")
    return found


async def vehicle_by_plate(session: AsyncSession, text: str, *, lock: bool = False) -> Vehicle:
    """The vehicle with this plate (row-locked when ``lock``), or a UserError."""
    plate = parse_plate(text)
    query = select(Vehicle).where(Vehicle.plate == plate)
    found = await session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise UserError(f"车队中没有 {show_plate(plate)}，发送 /car_fleet 查看车辆。")
    return found


async def fleet(session: AsyncSession) -> tuple[list[Vehicle], list[Driver]]:
    """Every vehicle by plate and every active driver by name."""
    vehicles = list(await session.scalars(select(Vehicle).order_by(Vehicle.plate)))
    drivers = await session.scalars(select(Driver).where(Driver.active.is_(True)))
    return vehicles, sorted(drivers, key=lambda d: (d.user.name, d.id))

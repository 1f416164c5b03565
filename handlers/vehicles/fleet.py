"""The fleet in chat: the list (phones masked by audience), adding and repairing vehicles,
registering and retiring drivers, and the monthly use statistics with a workbook."""

from __future__ import annotations

from functools import partial
from io import BytesIO
from typing import Annotated

from bot.core import exports
from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.messages import Attachment, Reply
from bot.core.privacy import unmasked_for
from bot.core.roles import ANY_BOUND, Role
from bot.core.routing import Router
from handlers.vehicles import cards
from models.vehicles import SCOPE, stats
from models.vehicles import fleet as fleet_rules
from models.vehicles.booking import coming
from models.vehicles.records import VehicleStatus, fleet
from models.vehicles.settings import VEHICLES

router = Router("vehicles-fleet", SCOPE)
KEEPERS = (Role.DISPATCHER, Role.ADMIN)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.command(
    "car fleet",
    aliases=("用车 车辆", "公车 车辆"),
    roles=ANY_BOUND,
    help="查看车辆（在用/维修）和驾驶员",
)
async def car_fleet(ctx: HandlerContext) -> str:
    """Every vehicle and active driver."""
    vehicles, drivers = await fleet(ctx.session)
    unmasked = unmasked_for(
        ctx.msg.chat_kind, ctx.me.roles, VEHICLES.of(ctx.config).unmasked_roles
    )
    return cards.fleet_text(vehicles, drivers, unmasked)


@router.command(
    "car add",
    aliases=("用车 车辆 添加", "公车 车辆 添加", "添加车辆"),
    roles=KEEPERS,
    help="添加或修改车辆：用车 车辆 添加 赣A·12345 5 轿车",
)
async def car_add(
    ctx: HandlerContext,
    *,
    plate: Annotated[str, Arg("车牌")],
    seats: Annotated[str, Arg("座位数")],
    kind: Annotated[str, Arg("车型")],
) -> str:
    """Add a vehicle in service, or correct one with this plate."""
    vehicle, new = await fleet_rules.put_vehicle(
        ctx.session,
        ctx.now,
        plate,
        fleet_rules.seats_of(seats),
        fleet_rules.kind_of(kind),
        VehicleStatus.IN_SERVICE,
    )
    ctx.audit_detail["vehicle"] = vehicle.plate
    return f"✅ 已{'添加' if new else '更新'}车辆 {vehicle.label}，状态：{vehicle.status}。"


@router.command(
    "car status",
    aliases=("用车 车辆 状态", "公车 车辆 状态"),
    roles=KEEPERS,
    help="设置车辆在用或维修：用车 车辆 状态 赣A·12345 维修",
)
async def car_status(
    ctx: HandlerContext,
    *,
    plate: Annotated[str, Arg("车牌")],
    status: Annotated[str, Arg("在用|维修")],
) -> str:
    """维修 keeps the vehicle out of every new dispatch until it is 在用 again."""
    vehicle = await fleet_rules.set_status(ctx.session, plate, fleet_rules.status_of(status))
    ctx.audit_detail["vehicle"] = vehicle.plate
    done = f"✅ {vehicle.label} 状态已设为「{vehicle.status}」。"
    held = await coming(ctx.session, ctx.now, vehicle.id)
    if vehicle.status == VehicleStatus.REPAIR and held:
        trips = "；".join(f"{b.label} {cards.window(b, ctx.tz)}" for b in held[:10])
        done += f"\n⚠ 该车仍有已派行程：{trips}。请告知申请人，取消后重新派车。"
    return done


@router.command(
    "car driver add",
    aliases=("用车 驾驶员 添加", "用车 司机 添加", "公车 司机 添加"),
    roles=KEEPERS,
    help="登记驾驶员（须为通讯录中的人员）：用车 司机 添加 王建国",
)
async def driver_add(ctx: HandlerContext, *, name: Annotated[str, Arg("姓名")]) -> str:
    """Register a person of the directory as a driver."""
    driver, new = await fleet_rules.put_driver(ctx.session, ctx.now, name)
    ctx.audit_detail["driver"] = driver.id
    return f"✅ {driver.user.name}{'已登记为驾驶员' if new else '已是在册驾驶员'}。"


@router.command(
    "car driver remove",
    aliases=("用车 驾驶员 停用", "用车 司机 停用", "公车 司机 停用"),
    roles=KEEPERS,
    help="停用驾驶员（已派的行程不变）：用车 司机 停用 王建国",
)
async def driver_remove(ctx: HandlerContext, *, name: Annotated[str, Arg("姓名")]) -> str:
    """Take a driver off the list for new dispatches."""
    driver = await fleet_rules.retire_driver(ctx.session, name)
    ctx.audit_detail["driver"] = driver.id
    return f"✅ 已停用驾驶员 {driver.user.name}，已派的行程不受影响。"


def _workbook(title: str, rows: list[tuple[str, int, float, int, int]]) -> bytes:
    from openpyxl import Workbook  # only when a workbook is asked for

    book = Workbook(write_only=True)
    sheet = book.create_sheet("用车统计")
    sheet.append(exports.row([title]))
    sheet.append(exports.row(stats.HEADER))
    for row in rows:
        sheet.append(exports.row(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@router.command(
    "car stats",
    aliases=("用车 统计", "公车 统计"),
    roles=ANY_BOUND,
    help="月度用车统计（次数、时长、里程），附 Excel 表：用车 统计 2026-12 [单位]",
)
async def car_stats(
    ctx: HandlerContext,
    *,
    month: Annotated[str | None, Arg("月份")] = None,
    unit: Annotated[str | None, Arg("单位")] = None,
) -> Reply:
    """Per unit: own unit for its staff, every unit (or the one asked) for dispatchers."""
    first = stats.parse_month(month, ctx.today)
    shown = SCOPE.listing(ctx.me, unit)
    uses = await stats.monthly(ctx.session, first, ctx.tz, shown)
    whole = stats.total(uses)
    title = f"{first:%Y年%m月}用车统计（{shown or '全部单位'}）"
    text = cards.stats_text(title, uses, whole)
    if not uses:
        return Reply(text)
    rows = [u.row() for u in [*uses, whole]]
    name = f"用车统计_{first:%Y-%m}.xlsx"
    attachment = Attachment(name, XLSX_TYPE, render=partial(_workbook, title, rows))
    return Reply(text, attachment=attachment)

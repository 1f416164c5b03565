"""公车调派: 申请 → the dispatchers' card → 派车 (a free vehicle and driver) or 拒绝 (with a
reason, asked for in a dialog when missing) → 取消 or 还车; the driver is reminded before
departure (schedules/vehicles/jobs.py)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Annotated

from sqlalchemy import select

from bot.core.args import Arg, parse_date
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.fields import Form
from bot.core.privacy import unmasked_for
from bot.core.roles import ANY_BOUND, Role
from bot.core.routing import Router
from handlers import notify
from handlers.vehicles import cards
from models.directory.users import unit_named, users_with_role
from models.vehicles import SCOPE
from models.vehicles import booking as rules
from models.vehicles.plan import replan
from models.vehicles.records import Booking, Status, get, show_plate
from models.vehicles.settings import VEHICLES

router = Router("vehicles", SCOPE)
DISPATCH = (Role.DISPATCHER, Role.ADMIN)
USAGE = (
    "用法：用车 申请 日期 开始-结束 目的地 人数 事由，例如：用车 申请 明天 09:00-12:00 河口乡 3 "
    "防汛检查（跨天加 返回=12-09 17:00）"
)
FORM = Form(
    {"back": ("返回", "结束")}, ("day", "span", "destination", "passengers", "purpose"), USAGE
)
_SPAN = re.compile(r"^(\d{1,2})[:：](\d{2})[-—~至](\d{1,2})[:：](\d{2})$")


def _at(day_text: str, hours: str, minutes: str, ctx: HandlerContext) -> datetime:
    day = parse_date(day_text, ctx.today)
    return datetime.combine(day, time(int(hours), int(minutes)), ctx.tz.tz).astimezone(
        ctx.now.tzinfo
    )


def _window(values: dict[str, str], ctx: HandlerContext) -> tuple[datetime, datetime]:
    found = _SPAN.match(values.get("span", ""))
    if found is None:
        raise UserError(f"时间「{values.get('span', '')}」应写作 09:00-12:00。{USAGE}")
    try:
        start = _at(values["day"], found.group(1), found.group(2), ctx)
        end = _at(values["day"], found.group(3), found.group(4), ctx)
        if "back" in values:
            day, _, clock = values["back"].partition(" ")
            hours, _, minutes = clock.replace("：", ":").partition(":")
            end = _at(day, hours, minutes, ctx)
    except ValueError:
        raise UserError(f"日期或时刻无法识别。{USAGE}") from None
    return start, end


async def _dispatchers(ctx: HandlerContext) -> list[int]:
    return [u.id for u in await users_with_role(ctx.session, Role.DISPATCHER)]


async def _admins(ctx: HandlerContext) -> list[int]:
    return [u.id for u in await users_with_role(ctx.session, Role.ADMIN)]


def unmasked(ctx: HandlerContext) -> bool:
    """Whether this chat may see drivers' phones in full (the feature's unmasked roles)."""
    return unmasked_for(ctx.msg.chat_kind, ctx.me.roles, VEHICLES.of(ctx.config).unmasked_roles)


async def _mine(ctx: HandlerContext, booking_id: int, action: str) -> Booking:
    """The booking if the caller may act on it: in scope first (another unit's learns nothing
    of its state), then its requester or someone who dispatches."""
    booking = await get(ctx.session, booking_id, lock=True)
    driver = booking.driver.user_id if booking.driver else None
    if ctx.me.id != driver:  # the driver is of the motor pool's unit, not the requester's
        SCOPE.check(ctx.me, [booking.org.name], booking.label)
    if ctx.me.id not in (booking.requester_id, driver) and not ctx.me.roles & set(DISPATCH):
        raise UserError(
            f"{booking.label} 由 {booking.requester.name} 申请，只有申请人或车辆调度可以{action}。"
        )
    ctx.audit_detail["booking"] = booking.id
    return booking


@router.command(
    "car apply",
    aliases=("用车 申请", "公车 申请", "申请用车"),
    roles=ANY_BOUND,
    help="申请公务用车：用车 申请 明天 09:00-12:00 河口乡 3 防汛检查",
)
async def car_apply(ctx: HandlerContext, *, text: Annotated[str, Arg("内容", rest=True)]) -> str:
    """Store the request for the caller's unit and send the dispatchers its card."""
    values = FORM.parse(text)
    FORM.require(
        values, {"day": "日期", "span": "时间", "destination": "目的地", "purpose": "事由"}
    )
    try:
        passengers = int(values.get("passengers", ""))
    except ValueError:
        raise UserError(f"乘车人数应为整数。{USAGE}") from None
    request = rules.check(
        VEHICLES.of(ctx.config),
        ctx.now,
        ctx.tz,
        _window(values, ctx),
        values["destination"],
        passengers,
        values["purpose"],
    )
    org = await unit_named(ctx.session, ctx.me.org)
    booking = Booking(
        org_id=org.id,
        requester_id=ctx.me.id,
        start_at=request.start_at,
        end_at=request.end_at,
        destination=request.destination,
        passengers=request.passengers,
        purpose=request.purpose,
        status=Status.ASKED.value,
        created_at=ctx.now,
    )
    ctx.session.add(booking)
    await ctx.session.flush()
    await ctx.session.refresh(booking)
    ctx.audit_detail["booking"] = booking.id
    await notify.tell(
        ctx,
        await _dispatchers(ctx),
        cards.request_card(booking, ctx.tz),
        key=f"vehicle:{booking.id}:ask",
        kind="vehicle",
        fallback=await _admins(ctx),
    )
    return (
        f"✅ 已提交{booking.label}：{cards.window(booking, ctx.tz)}，{booking.destination}，"
        f"{booking.passengers} 人。已送车辆调度，派车后会通知您。"
    )


@router.command(
    "car cancel",
    aliases=("用车 取消", "公车 取消"),
    roles=ANY_BOUND,
    help="取消用车申请（已派车的同时通知驾驶员、释放车辆）：用车 取消 编号",
)
async def car_cancel(ctx: HandlerContext, *, booking_id: Annotated[int, Arg("编号")]) -> str:
    """Cancel a waiting or dispatched booking before it ends; the driver and dispatchers hear."""
    booking = await _mine(ctx, booking_id, "取消")
    if booking.status not in (Status.ASKED.value, Status.ASSIGNED.value):
        raise UserError(f"{booking.label} 当前为「{booking.status}」，无需取消。")
    if booking.end_at <= ctx.now:
        raise UserError(
            f"{booking.label} 的行程已结束，不能取消；如已回来请还车：/car_return {booking.id}"
        )
    was_assigned = booking.status == Status.ASSIGNED.value
    booking.status = Status.CANCELLED.value
    await replan(ctx.session, ctx.now, booking, ctx.config)
    notice = cards.cancelled(booking, ctx.tz, ctx.me.name)
    people = await _dispatchers(ctx)
    if was_assigned and booking.driver is not None:
        people = [booking.driver.user_id, *people]
    await notify.tell(
        ctx,
        [p for p in people if p != ctx.me.id],
        notice,
        key=f"vehicle:{booking.id}:cancelled",
        kind="vehicle",
    )
    if ctx.me.id != booking.requester_id:
        await notify.tell(
            ctx,
            [booking.requester_id],
            notice,
            key=f"vehicle:{booking.id}:cancelled:requester",
            kind="vehicle",
        )
    freed = (
        f"，{show_plate(booking.vehicle.plate)} 已释放" if was_assigned and booking.vehicle else ""
    )
    return f"已取消{booking.label}{freed}。"


@router.command(
    "car view",
    aliases=("用车 查看", "公车 查看"),
    roles=ANY_BOUND,
    help="查看一条用车申请：用车 查看 编号",
)
async def car_view(ctx: HandlerContext, *, booking_id: Annotated[int, Arg("编号")]) -> str:
    """The booking's card, phones masked by audience."""
    booking = await get(ctx.session, booking_id)
    SCOPE.check(ctx.me, [booking.org.name], booking.label)
    return cards.detail(booking, ctx.tz, unmasked(ctx))


@router.command(
    "car return",
    aliases=("用车 还车", "公车 还车", "还车"),
    roles=ANY_BOUND,
    help="出车回来后还车，可登记本次行驶公里数：用车 还车 编号 35",
)
async def car_return(
    ctx: HandlerContext,
    *,
    booking_id: Annotated[int, Arg("编号")],
    km: Annotated[int | None, Arg("公里数", low=0, high=5000)] = None,
) -> str:
    """Close a trip that has started; its hours and kilometres count in the statistics."""
    booking = await _mine(ctx, booking_id, "还车")
    if booking.status != Status.ASSIGNED.value:
        raise UserError(f"{booking.label} 当前为「{booking.status}」，不能还车。")
    if booking.start_at > ctx.now:
        raise UserError(
            f"{booking.label} 尚未出发（{ctx.tz.fmt(booking.start_at)}），不能还车；不用车请取消。"
        )
    booking.status, booking.returned_at, booking.km = Status.RETURNED.value, ctx.now, km
    await replan(ctx.session, ctx.now, booking, ctx.config)
    return f"✅ {booking.label} 已还车{f'，行驶 {km} 公里' if km is not None else ''}。"


@router.command(
    "cars",
    aliases=("今日用车", "用车 今日", "公车 今日"),
    roles=ANY_BOUND,
    help="今天的用车安排（本单位；车辆调度看全部）",
)
async def cars_today(ctx: HandlerContext) -> str:
    """Bookings that meet today, waiting, dispatched or returned."""
    start = ctx.tz.start_of_day(ctx.today)
    query = select(Booking).where(
        Booking.start_at < start + timedelta(days=1),
        Booking.end_at > start,
        Booking.status.in_((Status.ASKED.value, Status.ASSIGNED.value, Status.RETURNED.value)),
    )
    unit = SCOPE.units(ctx.me)
    if unit is not None:  # a unit's staff: their own unit's, filtered in the query
        query = query.where(Booking.org_id == (await unit_named(ctx.session, unit)).id)
    rows = list(await ctx.session.scalars(query.order_by(Booking.start_at, Booking.id)))
    who = unit or "全部单位"
    return cards.day_list(rows, ctx.tz, f"🚗 {ctx.today} 用车（{who}）")

"""公车调派, the dispatcher's side: 派车 (offering the free vehicles, then the free drivers) or
拒绝 with a reason, asked for in a dialog when it is missing."""

from __future__ import annotations

from typing import Annotated

from bot.core import dialogs
from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import Reply
from bot.core.routing import Router
from handlers import notify
from handlers.vehicles import cards
from handlers.vehicles.commands import DISPATCH, unmasked
from models.vehicles import SCOPE
from models.vehicles import booking as rules
from models.vehicles.plan import replan
from models.vehicles.records import Status, get, guard, parse_plate
from models.vehicles.settings import VEHICLES

router = Router("vehicles", SCOPE)
DECLINE_DIALOG = "vehicle-decline"


@router.command(
    "car assign",
    aliases=("用车 派车", "公车 派车", "派车"),
    roles=DISPATCH,
    help="派车：用车 派车 编号 车牌 驾驶员（缺车牌或驾驶员时列出该时段空闲的供选择）",
)
async def car_assign(
    ctx: HandlerContext,
    *,
    booking_id: Annotated[int, Arg("编号")],
    plate: Annotated[str | None, Arg("车牌")] = None,
    driver: Annotated[str | None, Arg("驾驶员")] = None,
) -> Reply | str:
    """Offer the free vehicles, then the free drivers, then dispatch and tell both people."""
    ctx.audit_detail["booking"] = booking_id
    if plate is None or driver is None:
        booking = await get(ctx.session, booking_id)
        if booking.status != Status.ASKED.value:
            raise UserError(f"{booking.label} 当前为「{booking.status}」，不能再派车。")
        vehicles, drivers = await rules.free(ctx.session, booking)
        if plate is None:
            return cards.vehicle_choices(booking, vehicles)
        chosen = [v for v in vehicles if v.plate == parse_plate(plate)]
        if not chosen:
            raise UserError(
                f"{plate} 在该时段不空闲或不能派出，请从列出的车辆中选择：/car_assign {booking.id}"
            )
        return cards.driver_choices(booking, chosen[0], drivers)
    booking = await rules.assign(
        ctx.session, booking_id, plate, driver, dispatcher_id=ctx.me.id, now=ctx.now, tz=ctx.tz
    )
    await replan(ctx.session, ctx.now, booking, ctx.config)
    assert booking.driver is not None and booking.vehicle is not None
    await notify.tell(
        ctx,
        [booking.requester_id],
        cards.assigned_to_requester(booking, ctx.tz, unmasked=False),
        key=f"vehicle:{booking.id}:assigned",
        kind="vehicle",
    )
    await notify.tell(
        ctx,
        [booking.driver.user_id],
        cards.assigned_to_driver(booking, ctx.tz),
        key=f"vehicle:{booking.id}:driver",
        kind="vehicle",
        fallback=[ctx.me.id],
    )
    return (
        f"✅ 已为{booking.label} 派出 {booking.vehicle.label}，驾驶员 "
        f"{cards.driver_line(booking.driver, unmasked(ctx))}。已通知申请人和驾驶员。"
    )


async def _decline(ctx: HandlerContext, booking_id: int, reason: str) -> str:
    booking = await get(ctx.session, booking_id, lock=True)
    ctx.audit_detail["booking"] = booking.id
    if booking.status != Status.ASKED.value:
        raise UserError(f"{booking.label} 当前为「{booking.status}」，不能拒绝。")
    booking.reason = guard(reason, "拒绝理由")[:200]
    booking.status, booking.dispatcher_id, booking.decided_at = (
        Status.DECLINED.value,
        ctx.me.id,
        ctx.now,
    )
    await notify.tell(
        ctx,
        [booking.requester_id],
        cards.declined(booking, ctx.tz),
        key=f"vehicle:{booking.id}:declined",
        kind="vehicle",
    )
    return f"已拒绝{booking.label}，理由已告知 {booking.requester.name}。"


@router.command(
    "car decline",
    aliases=("用车 拒绝", "公车 拒绝"),
    roles=DISPATCH,
    help="拒绝用车申请并说明理由：用车 拒绝 编号 理由（不写理由则随后询问）",
)
async def car_decline(
    ctx: HandlerContext,
    *,
    booking_id: Annotated[int, Arg("编号")],
    reason: Annotated[str, Arg("理由", rest=True)] = "",
) -> str:
    """Refuse with the reason, or ask for it."""
    if reason.strip():
        return await _decline(ctx, booking_id, reason)
    booking = await get(ctx.session, booking_id)
    if booking.status != Status.ASKED.value:
        raise UserError(f"{booking.label} 当前为「{booking.status}」，不能拒绝。")
    minutes = VEHICLES.of(ctx.config).dialog_minutes
    await dialogs.start(ctx, DECLINE_DIALOG, {"booking": booking.id}, minutes)
    return f"请直接回复拒绝{booking.label}的理由（{minutes} 分钟内有效，发送「取消」放弃）："


@router.dialog(DECLINE_DIALOG)
async def decline_reason(ctx: HandlerContext, conv: dialogs.Conversation, text: str) -> str | None:
    """The reason typed after 拒绝."""
    if conv.cancelled:
        return "已放弃拒绝，申请仍待派车。"
    if not text.strip():
        raise UserError("请写明拒绝理由。")
    conv.finish()
    return await _decline(ctx, int(conv.state["booking"]), text)

"""The words and buttons of 公车调派: request cards for the dispatcher, notices to the
requester and the driver, the fleet list and the monthly table."""

from __future__ import annotations

from bot.core.clock import LocalTime
from bot.core.messages import Button, Reply
from bot.core.privacy import mask_phone
from models.vehicles.records import Booking, Driver, Vehicle, show_plate
from models.vehicles.stats import HEADER, UnitUse

#: A dispatch card offers at most this many vehicles or drivers as buttons (the rest typed).
MAX_CHOICES = 8


def window(booking: Booking, tz: LocalTime) -> str:
    """``2026-11-27 09:00—12:00`` (the end's date only when it differs)."""
    start, end = tz.fmt(booking.start_at), tz.fmt(booking.end_at)
    same_day = start[:10] == end[:10]
    return f"{start}—{end[11:] if same_day else end}"


def driver_line(driver: Driver, unmasked: bool) -> str:
    """``王建国 13800000021``, the phone masked unless this audience may read it."""
    phone = driver.user.phone or ""
    return f"{driver.user.name} {phone if unmasked else mask_phone(phone)}".strip()


def summary(booking: Booking, tz: LocalTime) -> str:
    """The lines every card of a booking starts with."""
    return (
        f"{booking.label}（{booking.status}）\n"
        f"单位：{booking.org.name}，申请人：{booking.requester.name}\n"
        f"时间：{window(booking, tz)}\n"
        f"目的地：{booking.destination}，乘车 {booking.passengers} 人\n"
        f"事由：{booking.purpose}"
    )


def detail(booking: Booking, tz: LocalTime, unmasked: bool) -> str:
    """The full card: the summary, then what was decided."""
    lines = [summary(booking, tz)]
    if booking.vehicle is not None and booking.driver is not None:
        lines.append(
            f"车辆：{booking.vehicle.label}，驾驶员：{driver_line(booking.driver, unmasked)}"
        )
    if booking.reason:
        lines.append(f"未派车理由：{booking.reason}")
    if booking.returned_at is not None:
        km = f"，行驶 {booking.km} 公里" if booking.km is not None else ""
        lines.append(f"还车：{tz.fmt(booking.returned_at)}{km}")
    return "\n".join(lines)


def request_card(booking: Booking, tz: LocalTime) -> Reply:
    """What the dispatchers get: the request with 派车 and 拒绝 buttons."""
    return Reply(
        f"🚗 新的用车申请\n{summary(booking, tz)}\n"
        f"派车：/car_assign {booking.id}；拒绝：/car_decline {booking.id} 理由",
        buttons=(
            (
                Button("派车", f"用车 派车 {booking.id}"),
                Button("拒绝", f"用车 拒绝 {booking.id}"),
            ),
        ),
    )


def vehicle_choices(booking: Booking, vehicles: list[Vehicle]) -> Reply:
    """The free vehicles for the booking's window, one button each."""
    if not vehicles:
        return Reply(
            f"{booking.label} 的时段内没有空闲且座位够用的车辆。"
            f"可拒绝：/car_decline {booking.id} 理由"
        )
    shown = vehicles[:MAX_CHOICES]
    more = (
        f"（另有 {len(vehicles) - len(shown)} 辆，可直接输入车牌）"
        if vehicles[len(shown) :]
        else ""
    )
    return Reply(
        f"请选择 {booking.label} 的车辆（该时段空闲）{more}：",
        buttons=tuple((Button(v.label, f"用车 派车 {booking.id} {v.plate}"),) for v in shown),
    )


def driver_choices(booking: Booking, vehicle: Vehicle, drivers: list[Driver]) -> Reply:
    """The free drivers for the booking's window, one button each."""
    if not drivers:
        return Reply(
            f"{booking.label} 的时段内没有空闲的驾驶员。可拒绝：/car_decline {booking.id} 理由"
        )
    shown = drivers[:MAX_CHOICES]
    return Reply(
        f"已选 {vehicle.label}，请选择驾驶员（该时段空闲）：",
        buttons=tuple(
            (Button(d.user.name, f"用车 派车 {booking.id} {vehicle.plate} {d.user.name}"),)
            for d in shown
        ),
    )


def assigned_to_requester(booking: Booking, tz: LocalTime, unmasked: bool) -> Reply:
    """The requester's notice of the dispatch."""
    return Reply(
        f"✅ 您的{booking.label}已派车\n{detail(booking, tz, unmasked)}\n"
        f"行程取消：/car_cancel {booking.id}"
    )


def assigned_to_driver(booking: Booking, tz: LocalTime) -> Reply:
    """The driver's notice of the dispatch."""
    assert booking.vehicle is not None
    return Reply(
        f"🚗 出车任务：{booking.label}\n{summary(booking, tz)}\n车辆：{booking.vehicle.label}\n"
        f"回来后还车：/car_return {booking.id} 公里数"
    )


def reminder(booking: Booking, tz: LocalTime, late: bool) -> Reply:
    """The driver's reminder before departure."""
    assert booking.vehicle is not None
    again = "（补发）" if late else ""
    return Reply(
        f"⏰ 出车提醒{again}：{tz.fmt(booking.start_at)} 出发\n"
        f"车辆：{booking.vehicle.label}\n"
        f"目的地：{booking.destination}，乘车 {booking.passengers} 人\n"
        f"申请人：{booking.requester.name}（{booking.org.name}）"
    )


def declined(booking: Booking, tz: LocalTime) -> Reply:
    """The requester's notice of a refusal, with the reason."""
    return Reply(
        f"❌ 您的{booking.label}未获派车\n"
        f"时间：{window(booking, tz)}，目的地：{booking.destination}\n"
        f"理由：{booking.reason}\n如有疑问请联系车辆调度。"
    )


def cancelled(booking: Booking, tz: LocalTime, by: str) -> Reply:
    """The driver's (and dispatchers') notice of a cancellation."""
    plate = f"，{show_plate(booking.vehicle.plate)} 已释放" if booking.vehicle else ""
    return Reply(
        f"🚫 {booking.label}已由{by}取消{plate}\n时间：{window(booking, tz)}，"
        f"目的地：{booking.destination}"
    )


def fleet_text(vehicles: list[Vehicle], drivers: list[Driver], unmasked: bool) -> str:
    """The fleet and its drivers."""
    cars = "\n".join(f"  {v.label} — {v.status}" for v in vehicles) or "  （尚无车辆）"
    people = "\n".join(f"  {driver_line(d, unmasked)}" for d in drivers) or "  （尚无驾驶员）"
    return f"🚙 车辆 {len(vehicles)} 辆：\n{cars}\n👤 驾驶员 {len(drivers)} 名：\n{people}"


def day_list(bookings: list[Booking], tz: LocalTime, title: str) -> str:
    """Today's bookings, one line each."""
    if not bookings:
        return f"{title}：暂无用车。"
    lines = []
    for b in bookings:
        car = f" {show_plate(b.vehicle.plate)}" if b.vehicle else ""
        who = f" {b.driver.user.name}" if b.driver else ""
        lines.append(
            f"#{b.id} {window(b, tz)} {b.org.name} → {b.destination}（{b.status}）{car}{who}"
        )
    return f"{title}（{len(bookings)}）：\n" + "\n".join(lines)


def stats_text(title: str, uses: list[UnitUse], total: UnitUse) -> str:
    """The monthly table as chat text."""
    if not uses:
        return f"📊 {title}：没有出车记录。"
    lines = [
        f"  {u.unit}：{u.trips} 次，{u.row()[2]} 小时，{u.km} 公里（{u.km_trips} 次登记里程）"
        for u in [*uses, total]
    ]
    return f"📊 {title}（{'、'.join(HEADER[1:4])}）：\n" + "\n".join(lines)

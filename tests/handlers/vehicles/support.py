"""公车调派 test support: the demo county with a dispatcher (马林), two drivers and two
vehicles, and a helper that says something and returns the answer."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select

from bot.app import App
from bot.core.roles import Role
from models.directory import binding
from models.directory.users import add_user
from models.vehicles.records import Booking
from tests.support import RecordingAdapter, incoming

DISPATCHER = "马林"
DRIVERS = ("王建国", "李卫东")


async def say(
    app: App, console: RecordingAdapter, who: str, text: str, *, button: bool = False
) -> str:
    """What ``who`` reads after sending ``text`` (pressing it, when ``button``)."""
    before = len(console.texts(who))
    msg = incoming(text, sender=who)
    if button:
        msg = replace(msg, is_button=True)
    await app.dispatcher.receive(msg)
    await app.sender.drain()
    return "\n".join(console.texts(who)[before:])


async def fleet(app: App, console: RecordingAdapter) -> None:
    """The dispatcher and drivers in the directory, then the fleet set up through chat."""
    async with app.sessions.begin() as session:
        now = app.clock.now()
        people = [(DISPATCHER, {Role.DISPATCHER}, "13800000020")]
        people += [(name, {Role.VIEWER}, f"1380000002{i + 1}") for i, name in enumerate(DRIVERS)]
        for name, roles, phone in people:
            user = await add_user(
                session, name=name, org="县政府办公室", roles=roles, now=now, phone=phone
            )
            await binding.bind_account(session, user, "console", name, now)
    for text in (
        "用车 车辆 添加 赣A·12345 5 轿车",
        "用车 车辆 添加 赣A23456 7 商务车",
        *(f"用车 司机 添加 {name}" for name in DRIVERS),
    ):
        assert "✅" in await say(app, console, DISPATCHER, text)


async def count(app: App) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Booking)) or 0)


async def booking(app: App, booking_id: int) -> Booking:
    async with app.sessions() as session:
        found = await session.get(Booking, booking_id)
        assert found is not None
        return found

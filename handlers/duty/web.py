"""今日值班 on the web dashboard: who is on duty now, 带班领导 and each 值班员's check-in, kept
current without reload (SSE)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.privacy import mask_phone
from bot.core.roles import ANY_BOUND, Role
from bot.web.pages import PageContext, Rendered, WebPages
from bot.web.sse import EventStream
from handlers.duty.roster import day_label
from models.deadlines.calendar import WorkCalendar
from models.deadlines.settings import CALENDAR
from models.directory.users import User
from models.duty import records as duty
from models.duty.records import DutySlot
from models.duty.shift import checked_in_ids

pages = WebPages("duty", Path(__file__).with_name("templates"))
LIVE_SECONDS = 5.0  # how often an open 今日值班 looks for check-ins
# Who reads officers' mobile numbers in full, as /duty's private answer would show them.
PHONES_FOR = (Role.ADMIN, Role.LEADER, Role.OFFICER)


def _phone(user: User | None, unmasked: bool) -> str:
    if user is None or not user.phone:
        return ""
    return user.phone if unmasked else mask_phone(user.phone)


async def slot_view(session: AsyncSession, slot: DutySlot, unmasked: bool) -> dict[str, object]:
    """A slot as the templates show it: people, their phones by audience, check-ins."""
    done = await checked_in_ids(session, slot.id)
    return {
        "shift": slot.shift,
        "start": slot.start_at,
        "end": slot.end_at,
        "leader": slot.leader.name if slot.leader else "",
        "leader_phone": _phone(slot.leader, unmasked),
        "officers": [
            {"name": u.name, "phone": _phone(u, unmasked), "in": u.id in done}
            for u in slot.officers
        ],
        "backup": slot.backup.name if slot.backup else "",
        "phone": slot.phone or "",
    }


@pages.page("/web/duty", "今日值班", roles=ANY_BOUND, personal=True)
async def today(ctx: PageContext) -> Rendered:
    """Who is on duty now, 带班领导, check-in state; the rest of today's slots below."""
    unmasked = ctx.unmasked(PHONES_FOR)
    now_slots = await duty.slots_at(ctx.session, ctx.now)
    later = [
        s
        for s in await duty.slots_between(ctx.session, ctx.today, ctx.today)
        if s.start_at > ctx.now
    ]
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    return ctx.render(
        "duty/today.html",
        day=day_label(cal, ctx.today),
        now=ctx.now,
        current=[await slot_view(ctx.session, s, unmasked) for s in now_slots],
        later=[await slot_view(ctx.session, s, unmasked) for s in later],
        warning=cal.warning(ctx.today.year),
    )


@pages.page("/web/duty/live", "今日值班（实时）", roles=ANY_BOUND, nav=False, personal=True)
async def live(ctx: PageContext) -> EventStream:
    """当前在岗 again whenever it changes (a check-in, a new shift), for 今日值班's live part."""
    unmasked = ctx.unmasked(PHONES_FOR)

    async def current(session: AsyncSession) -> str:
        slots = await duty.slots_at(session, ctx.clock.now())
        views = [await slot_view(session, s, unmasked) for s in slots]
        return ctx.fragment("duty/now.html", current=views)

    return EventStream(current, every=LIVE_SECONDS)

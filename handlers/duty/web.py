"""应急值班 on the web dashboard: 今日值班 (who is on duty now and their check-in), the roster's
month calendar, the duty log and the incident timeline."""

from __future__ import annotations

from pathlib import Path

from bot.core.privacy import mask_phone
from bot.core.roles import ANY_BOUND, Role
from bot.web.pages import PageContext, Rendered, WebPages
from handlers.duty.roster import day_label
from models.deadlines.calendar import WorkCalendar
from models.deadlines.settings import CALENDAR
from models.directory.users import User
from models.duty import records as duty
from models.duty.records import DutySlot
from models.duty.shift import checked_in_ids

pages = WebPages("duty", Path(__file__).with_name("templates"))
# Who reads officers' mobile numbers in full, as /duty's private answer would show them.
PHONES_FOR = (Role.ADMIN, Role.LEADER, Role.OFFICER)


def _phone(user: User | None, unmasked: bool) -> str:
    if user is None or not user.phone:
        return ""
    return user.phone if unmasked else mask_phone(user.phone)


async def slot_view(ctx: PageContext, slot: DutySlot, unmasked: bool) -> dict[str, object]:
    """A slot as the templates show it: people, their phones by audience, check-ins."""
    done = await checked_in_ids(ctx.session, slot.id)
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
        current=[await slot_view(ctx, s, unmasked) for s in now_slots],
        later=[await slot_view(ctx, s, unmasked) for s in later],
        warning=cal.warning(ctx.today.year),
    )

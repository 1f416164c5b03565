"""县级查岗 per unit on the web dashboard: the month's figures of every unit, and one unit's
checks; a liaison sees their own unit only, by menu or by URL (bot/core/scope.py)."""

from __future__ import annotations

from pathlib import Path

from bot.core.roles import Role
from bot.core.scope import unit_scope
from bot.web.pages import PageContext, Rendered, WebPages
from handlers.duty.web_roster import parse_month
from models.directory.units import find_org
from models.duty import unitcheck
from models.duty.settings import DUTY

pages = WebPages("duty", Path(__file__).with_name("templates"))
SCOPE = unit_scope("查岗记录")
READERS = (Role.OFFICER, Role.LEADER, Role.ADMIN, Role.LIAISON)


@pages.page("/web/duty/units", "单位查岗", roles=READERS)
async def units_page(ctx: PageContext) -> Rendered:
    """Each unit's checks this month (``?month=2026-11``): asked, answered, in time, average."""
    first = parse_month(ctx.arg("month"), ctx.today)
    own = SCOPE.listing(ctx.user, None)
    minutes = DUTY.of(ctx.config).rollcall.unit_answer_minutes
    lines = await unitcheck.month_stats(ctx.session, ctx.tz, first, minutes)
    shown = [line for line in lines if own is None or line.unit == own]
    return ctx.render(
        "duty/units.html", month=first, lines=shown, minutes=minutes, own=own or ctx.user.org
    )


@pages.page("/web/duty/units/{unit}", "单位查岗记录", roles=READERS)
async def unit_page(ctx: PageContext) -> Rendered:
    """One unit's checks in a month; another unit's refused for a liaison (403, audited)."""
    unit = ctx.request.match_info["unit"]
    SCOPE.check(ctx.user, [unit], f"{unit}的查岗记录")
    org = await find_org(ctx.session, unit)
    first = parse_month(ctx.arg("month"), ctx.today)
    checks = await unitcheck.unit_month(ctx.session, ctx.tz, org.id, first)
    return ctx.render(
        "duty/unit.html",
        title=f"{org.name} 查岗记录",
        unit=org.name,
        month=first,
        phone=await unitcheck.phone_of(ctx.session, org.id),
        checks=[
            {"asked": c.asked_at, "answered": c.answered_at, "seconds": c.seconds} for c in checks
        ],
    )

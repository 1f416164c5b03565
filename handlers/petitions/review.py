"""信访 复查 and 复核 (§35–36): a request within 30 日 of the reply, an opinion within 30 日;
after 复核 the same matter is not accepted again."""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.routing import Router
from handlers.petitions.commands import STAFF, record_opinion
from models.deadlines import estimates
from models.deadlines.calendar import WorkCalendar
from models.deadlines.clocks import at_hour
from models.deadlines.compute import compute, weekday
from models.deadlines.settings import CALENDAR
from models.petitions import SCOPE as PETITIONS_SCOPE
from models.petitions.plan import replan
from models.petitions.records import Status, get, require

router = Router("petitions-review", PETITIONS_SCOPE)
# state → (next state, name, rule for the request window, rule for the opinion)
STAGES = {
    Status.CONCLUDED: (Status.REVIEW, "复查", "petition.review_request", "petition.review"),
    Status.REVIEWED: (Status.RECHECK, "复核", "petition.recheck_request", "petition.recheck"),
}


@router.command(
    "petition review",
    aliases=("信访 复查", "信访 复核"),
    roles=STAFF,
    help="登记信访人的复查（或复核）申请，开始 30 日出具意见时限：信访 复查 4",
)
async def petition_review(ctx: HandlerContext, *, item_id: Annotated[int, Arg("编号")]) -> str:
    """Open the next review stage if the request is in time."""
    item = await get(ctx.session, item_id)
    if item.status == Status.FINAL:
        raise UserError(
            f"{item.label} 已经复核终结，同一事实和理由不再受理（信访工作条例第三十六条）"
        )
    require(item, tuple(STAGES), "申请复查/复核")
    following, name, window_id, opinion_id = STAGES[Status(item.status)]
    cal, rules, tz = WorkCalendar(CALENDAR.of(ctx.config)), ctx.config.rules, ctx.tz.tz
    replied = item.concluded_on or ctx.today
    window = compute(at_hour(replied, 12, tz), rules[window_id], cal, tz)
    if ctx.today > window.day(tz):
        raise UserError(
            f"{item.label} 的{name}申请期限已于 {window.day(tz)} 届满"
            f"（{rules[window_id].clause}），不予受理"
        )
    due = compute(ctx.now, rules[opinion_id], cal, tz)
    item.status, item.stage_due = following.value, due.day(tz)
    await replan(ctx.session, ctx.now, item, ctx.config, tz)
    await estimates.note(
        ctx.session,
        ctx.now,
        cal,
        tz,
        feature="petition",
        item_id=item.id,
        field="stage_due",
        start=ctx.now,
        rule=rules[opinion_id],
        found=due,
    )
    warn = "".join(f"\n⚠️ {w}" for w in due.warnings)
    return (
        f"✅ 已受理 {item.label} 的{name}申请，"
        f"应于 {item.stage_due}（{weekday(item.stage_due)}）前出具{name}意见：\n"
        f"/petition_opinion {item.id} 支持|解释说明|不予支持 意见{warn}"
    )


@router.command(
    "petition opinion",
    aliases=("信访 复查意见", "信访 复核意见"),
    roles=STAFF,
    help="登记复查或复核意见：信访 复查意见 4 不予支持 意见",
)
async def petition_opinion(
    ctx: HandlerContext,
    *,
    item_id: Annotated[int, Arg("编号")],
    opinion: Annotated[str, Arg("意见类别")],
    text: Annotated[str, Arg("意见", rest=True)],
) -> str:
    """Close the running stage; after 复核 the matter is 终结."""
    item = await get(ctx.session, item_id)
    require(item, (Status.REVIEW, Status.RECHECK), "登记复查/复核意见")
    record_opinion(item, opinion, text, ctx)
    final = item.status == Status.RECHECK
    item.status = (Status.FINAL if final else Status.REVIEWED).value
    item.stage_due = None
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    if final:
        return f"✅ {item.label} 复核意见已登记，信访事项终结，不再受理。"
    return (
        f"✅ {item.label} 复查意见已登记。信访人可在 30 日内申请复核：/petition_review {item.id}"
    )

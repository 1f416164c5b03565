"""建议提案 after 交办: 面商 and 答复 by the liaison, 跟踪 and 评价 by the supervisor."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import Reply
from bot.core.roles import Role
from bot.core.routing import Router
from handlers import notify
from handlers.proposals.assign import day_of
from models.deadlines import estimates
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import compute
from models.deadlines.settings import CALENDAR
from models.directory import units as org_units
from models.proposals import SCOPE as PROPOSALS_SCOPE
from models.proposals.plan import replan
from models.proposals.records import (
    CODES,
    Status,
    get,
    record_contact,
    record_followup,
    record_rating,
    record_reply,
)

router = Router("proposals", PROPOSALS_SCOPE)


@router.command(
    "proposal met",
    aliases=("建议提案 面商",),
    roles=[Role.LIAISON],
    help="登记与代表委员的联系（电话只计沟通率）：建议提案 面商 3 面商|电话|座谈|走访 [日期]",
)
async def proposal_met(
    ctx: HandlerContext,
    *,
    item_id: Annotated[int, Arg("编号")],
    mode: Annotated[str, Arg("方式")] = "面商",
    day: Annotated[str | None, Arg("日期")] = None,
) -> str:
    """Record the contact that 见面率 counts."""
    item = await get(ctx.session, item_id)
    org_units.require_unit(ctx.me, [item.lead_org.name], item.label)
    when = day_of(day, ctx)
    record_contact(item, when, mode)
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    return f"✅ 已登记 #{item.id} 的{mode}（{when}）。答复期限：{item.current_due}"


@router.command(
    "proposal reply",
    aliases=("建议提案 答复",),
    roles=[Role.LIAISON],
    help="登记正式答复及类别 A/B/C/D（B 类写承诺日期）：建议提案 答复 3 A [日期] [承诺日期]",
)
async def proposal_reply(
    ctx: HandlerContext,
    *,
    item_id: Annotated[int, Arg("编号")],
    code: Annotated[str, Arg("类别")],
    day: Annotated[str | None, Arg("日期")] = None,
    promised: Annotated[date | None, Arg("承诺日期")] = None,
) -> str:
    """Record the answer; reminders stop and the office is told to collect the rating. A B
    answer's promised date starts the chase for its 跟踪答复."""
    item = await get(ctx.session, item_id)
    org_units.require_unit(ctx.me, [item.lead_org.name], item.label)
    if promised is not None and code.upper() != "B":
        raise UserError("只有 B 类（正在解决）答复需要承诺日期，请去掉最后的日期")
    record_reply(item, day_of(day, ctx), code, promised)
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    late = "" if item.replied_on and item.replied_on <= item.current_due else "（已超过答复期限）"
    await notify.tell(
        ctx,
        [item.created_by],
        Reply(
            f"📄 #{item.id} {item.label} 已答复：{item.answer_code} {CODES[item.answer_code]}"
            f"{late}\n收到代表委员意见后登记：/proposal_rate {item.id} 满意|基本满意|不满意"
        ),
        key=f"proposal:{item.id}:replied:{item.redo_count}",
        kind="proposal",
    )
    chase = f"\n承诺 {item.followup_due} 前解决，届时请跟踪答复：/proposal_followup {item.id} A"
    return f"✅ 已登记 #{item.id} 答复（{item.answer_code}：{CODES[item.answer_code]}）{late}" + (
        chase if item.followup_owed else ""
    )


@router.command(
    "proposal followup",
    aliases=("建议提案 跟踪答复",),
    roles=[Role.LIAISON],
    help="B 类答复承诺事项落实后再次答复：建议提案 跟踪答复 3 A|C|D [日期]",
)
async def proposal_followup(
    ctx: HandlerContext,
    *,
    item_id: Annotated[int, Arg("编号")],
    code: Annotated[str, Arg("类别")],
    day: Annotated[str | None, Arg("日期")] = None,
) -> str:
    """Record the follow-up answer of a B item; its chase stops."""
    item = await get(ctx.session, item_id)
    org_units.require_unit(ctx.me, [item.lead_org.name], item.label)
    due = item.followup_due
    record_followup(item, day_of(day, ctx), code)
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    late = "（已超过承诺日期）" if due and item.followup_on and item.followup_on > due else ""
    return f"✅ 已登记 #{item.id} 跟踪答复（{item.answer_code}：{CODES[item.answer_code]}）{late}"


@router.command(
    "proposal rate",
    aliases=("建议提案 评价",),
    roles=[Role.SUPERVISOR],
    help="登记代表委员评价：建议提案 评价 3 满意|基本满意|不满意（不满意则重办）",
)
async def proposal_rate(
    ctx: HandlerContext,
    *,
    item_id: Annotated[int, Arg("编号")],
    rating: Annotated[str, Arg("评价")],
) -> str:
    """Record the rating; 不满意 reopens the item with the redo limit from the rule table."""
    item = await get(ctx.session, item_id)
    cal, rule = WorkCalendar(CALENDAR.of(ctx.config)), ctx.config.rules[item.rule("redo")]
    redo = compute(ctx.now, rule, cal, ctx.tz.tz)
    record_rating(item, rating, redo.day(ctx.tz.tz))
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    if item.status != Status.REDO:
        await estimates.forget(ctx.session, "proposal", item.id, "redo_due")
        return f"✅ 已登记 #{item.id} 评价：{rating}，办结。"
    await estimates.note(
        ctx.session,
        ctx.now,
        cal,
        ctx.tz.tz,
        feature="proposal",
        item_id=item.id,
        field="redo_due",
        start=ctx.now,
        rule=rule,
        found=redo,
    )
    note = estimates.estimate_note(cal, redo.day(ctx.tz.tz))
    liaisons = [
        u.id for u in await org_units.unit_people(ctx.session, item.lead_org_id, Role.LIAISON)
    ]
    await notify.tell(
        ctx,
        liaisons,
        Reply(
            f"↩️ #{item.id} {item.label} 代表委员不满意，请重新办理\n"
            f"再次答复期限：{item.redo_due}；答复后登记：/proposal_reply {item.id} 类别"
            + (f"\n{note}" if note else "")
        ),
        key=f"proposal:{item.id}:redo:{item.redo_count}",
        kind="proposal",
        fallback=[item.created_by],
    )
    warn = "".join(f"\n⚠️ {w}" for w in redo.warnings)
    return f"已登记 #{item.id} 评价：不满意，转重办，再次答复期限 {item.redo_due}。{warn}"

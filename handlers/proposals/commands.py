"""建议提案: 交办 and 评价 by the supervisor; 面商 and 答复 by the lead unit's liaison."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from sqlalchemy import select

from bot.core.args import Arg, parse_date
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.fields import Form, split_list
from bot.core.messages import Reply
from bot.core.roles import Role
from bot.core.routing import Router
from handlers import notify
from models.deadlines import estimates
from models.deadlines.calendar import WorkCalendar
from models.deadlines.clocks import at_hour
from models.deadlines.compute import compute, weekday
from models.deadlines.settings import CALENDAR
from models.directory import units as org_units
from models.proposals import SCOPE as PROPOSALS_SCOPE
from models.proposals.plan import replan
from models.proposals.records import (
    CODES,
    KINDS,
    Proposal,
    Status,
    get,
    record_contact,
    record_followup,
    record_rating,
    record_reply,
    rule_id,
)

router = Router("proposals", PROPOSALS_SCOPE)
USAGE = (
    "用法：/proposal_new 人大建议 第12号 县水利局 关于加固河堤的建议 [代表=王五] "
    "[协办=县林业局] [复杂=是] [交办日=2026-03-10]"
)
FORM = Form(
    {
        "kind": ("类别", "kind"),
        "number": ("编号", "number"),
        "unit": ("单位", "承办单位", "unit"),
        "title": ("标题", "title"),
        "proposer": ("代表", "委员", "提出人", "proposer"),
        "co": ("协办", "协办单位", "co"),
        "complex": ("复杂", "complex"),
        "assigned": ("交办日", "assigned"),
    },
    ("kind", "number", "unit", "title"),
    USAGE,
)


def _day(text: str | None, ctx: HandlerContext) -> date:
    if not text:
        return ctx.today
    try:
        day = parse_date(text, ctx.today)
    except ValueError as exc:
        raise UserError(f"日期「{text}」有误：{exc}") from None
    if day > ctx.today:
        raise UserError(f"日期 {day.isoformat()} 还没到，请写今天或以前的日期")
    return day


@router.command(
    "proposal new",
    aliases=("建议提案 交办", "建议提案 登记"),
    roles=[Role.SUPERVISOR],
    help="登记交办建议提案：建议提案 交办 人大建议 第12号 县水利局 标题 代表=王五",
)
async def proposal_new(
    ctx: HandlerContext, *, text: Annotated[str, Arg("内容", rest=True)]
) -> str:
    """Register an item; its contact and reply dates come from the rule table."""
    values = FORM.parse(text)
    FORM.require(values, {"kind": "类别", "number": "编号", "unit": "单位", "title": "标题"})
    if values["kind"] not in KINDS:
        raise UserError(f"类别应为：{'、'.join(KINDS)}。{USAGE}")
    twin = await ctx.session.scalar(
        select(Proposal).where(
            Proposal.kind == values["kind"], Proposal.number == values["number"]
        )
    )
    if twin is not None:
        raise UserError(
            f"{values['kind']}{values['number']}已登记为 #{twin.id}，不能重复交办。"
            f"查看：/proposal {twin.id}；如是另一件，请核对编号。"
        )
    org = await org_units.find_org(ctx.session, values["unit"])
    co = [
        (await org_units.find_org(ctx.session, n)).name for n in split_list(values.get("co", ""))
    ]
    is_complex = values.get("complex", "否") in ("是", "yes", "1")
    assigned = _day(values.get("assigned"), ctx)
    start = at_hour(assigned, 12, ctx.tz.tz)  # any moment of the day: day limits count dates
    cal, rules = WorkCalendar(CALENDAR.of(ctx.config)), ctx.config.rules
    kind = values["kind"]
    reply_rule = rule_id(kind, "reply_complex" if is_complex else "reply")
    reply = compute(start, rules[reply_rule], cal, ctx.tz.tz)
    contact = compute(start, rules[rule_id(kind, "contact")], cal, ctx.tz.tz)
    contact_day, reply_day = contact.day(ctx.tz.tz), reply.day(ctx.tz.tz)
    item = Proposal(
        kind=values["kind"],
        number=values["number"],
        title=values["title"][:200],
        proposer=values.get("proposer", ""),
        lead_org=org,
        co_orgs=co,
        complex=is_complex,
        assigned_on=assigned,
        contact_due=contact_day,
        reply_due=reply_day,
        status=Status.HANDLING.value,
        created_by=ctx.me.id,
        created_at=ctx.now,
    )
    ctx.session.add(item)
    await ctx.session.flush()
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    for field, rule, found in (
        ("contact_due", rules[rule_id(kind, "contact")], contact),
        ("reply_due", rules[reply_rule], reply),
    ):  # kept for recomputing when they rest on estimated holidays
        await estimates.note(
            ctx.session,
            ctx.now,
            cal,
            ctx.tz.tz,
            feature="proposal",
            item_id=item.id,
            field=field,
            start=start,
            rule=rule,
            found=found,
        )
    liaisons = [u.id for u in await org_units.unit_people(ctx.session, org.id, Role.LIAISON)]
    notice = (
        f"📌 建议提案交办\n#{item.id} {item.label}（{item.proposer or '提出人未登记'}）\n"
        f"请于 {contact_day} 前与提出人联系沟通，登记：/proposal_met {item.id} 面商\n"
        f"答复期限：{reply_day}（{weekday(reply_day)}），"
        f"答复后登记：/proposal_reply {item.id} A"
    )
    if note := estimates.estimate_note(cal, contact_day, reply_day):
        notice += f"\n{note}"
    reached = await notify.tell(
        ctx, liaisons, Reply(notice), key=f"proposal:{item.id}:assign", kind="proposal"
    )
    lines = [
        f"✅ 已登记 #{item.id} {item.label}，承办：{org.name}"
        + (f"；协办：{'、'.join(co)}" if co else ""),
        f"面商期限：{contact_day}；答复期限：{reply_day}（{rules[reply_rule].basis}）",
        *[f"⚠️ {w}" for w in dict.fromkeys([*contact.warnings, *reply.warnings])],
    ]
    if not reached:
        lines.append(f"⚠️ {org.name} 没有已绑定的联络员，交办通知未能送达，请线下通知")
    ctx.audit_detail["proposal"] = item.id
    return "\n".join(lines)


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
    when = _day(day, ctx)
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
    record_reply(item, _day(day, ctx), code, promised)
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
    record_followup(item, _day(day, ctx), code)
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

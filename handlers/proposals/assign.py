"""建议提案 交办: the supervisor registers an NPC suggestion or CPPCC proposal; its 面商 and 答复
dates come from the rule table and the lead unit's liaisons are told."""

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
from models.proposals.records import KINDS, Proposal, Status, rule_id

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


def day_of(text: str | None, ctx: HandlerContext) -> date:
    """The day a user wrote (today when none), never in the future."""
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
    assigned = day_of(values.get("assigned"), ctx)
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

"""信访 handling: 登记 (15日 clock), 转办 (60日 clock, or a 受理 clock when the county counts
from the unit's 受理), 办结; 受理, 延期 and the §30 referral are in routes.py, 复查 and 复核 in
review.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from bot.core import phones
from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.fields import Form
from bot.core.messages import Reply
from bot.core.roles import Role
from bot.core.routing import Router
from handlers import notify
from models.deadlines import estimates
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import Deadline, compute, weekday
from models.deadlines.settings import CALENDAR
from models.directory import units as org_units
from models.petitions import SCOPE as PETITIONS_SCOPE
from models.petitions.plan import replan
from models.petitions.records import (
    CHANNELS,
    CLASSES,
    OPINIONS,
    REPORT_CLASS,
    Petition,
    Status,
    free_text,
    get,
    require,
    who,
)
from models.petitions.settings import PETITIONS

router = Router("petitions", PETITIONS_SCOPE)
STAFF = (Role.OFFICER, Role.SUPERVISOR)
USAGE = (
    "用法：/petition_new 来访 申诉求决 王小明 13912345678 诉求内容"
    "（或 渠道=… 类别=… 姓名=… 电话=… 诉求=…）"
)
FORM = Form(
    {
        "channel": ("渠道", "channel"),
        "category": ("类别", "category"),
        "name": ("姓名", "name"),
        "phone": ("电话", "phone"),
        "request": ("诉求", "request"),
    },
    ("channel", "category", "name", "phone", "request"),
    USAGE,
)


def _phone(text: str) -> str:
    try:
        return phones.optional(text)
    except ValueError as exc:
        raise UserError(f"{exc}。{USAGE}") from None


def _clock(ctx: HandlerContext, rule_id: str, extension: int = 0) -> Deadline:
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    return compute(ctx.now, ctx.config.rules[rule_id], cal, ctx.tz.tz, extension=extension)


async def remember_estimate(
    ctx: HandlerContext,
    item: Petition,
    field: str,
    start: datetime,
    found: Deadline,
    extension: int = 0,
) -> None:
    """Keep a deadline that rests on estimated holidays, to recompute when official data comes."""
    rule = ctx.config.rules["petition.forward" if field == "forward_due" else "petition.conclude"]
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    await estimates.note(
        ctx.session,
        ctx.now,
        cal,
        ctx.tz.tz,
        feature="petition",
        item_id=item.id,
        field=field,
        start=start,
        rule=rule,
        found=found,
        extension=extension,
    )


def _estimated(ctx: HandlerContext, day: date) -> str:
    """The 推定 line (with its newline) for a push whose deadline rests on estimated holidays."""
    note = estimates.estimate_note(WorkCalendar(CALENDAR.of(ctx.config)), day)
    return f"{note}\n" if note else ""


def due_text(found: Deadline, ctx: HandlerContext) -> str:
    day = found.day(ctx.tz.tz)
    moved = f"（原为 {found.moved_from}，逢休息日顺延）" if found.moved_from else ""
    warn = "".join(f"\n⚠️ {w}" for w in found.warnings)
    return f"{day}（{weekday(day)}）{moved}{warn}"


@router.command(
    "petition new",
    aliases=("信访 登记",),
    roles=STAFF,
    help="登记信访事项，开始 15 日转送/交办时限：信访 登记 来访 申诉求决 王小明 139… 诉求",
    personal=True,
)
async def petition_new(
    ctx: HandlerContext, *, text: Annotated[str, Arg("内容", rest=True)]
) -> str:
    """Register a petition; the reply masks what it echoes."""
    values = FORM.parse(text)
    FORM.require(
        values, {"channel": "渠道", "category": "类别", "name": "姓名", "request": "诉求"}
    )
    if values["channel"] not in CHANNELS:
        raise UserError(f"渠道应为：{'、'.join(CHANNELS)}。{USAGE}")
    if values["category"] not in CLASSES:
        raise UserError(f"类别应为：{'、'.join(CLASSES)}（信访工作条例第二十九至三十一条）")
    found = _clock(ctx, "petition.forward")
    item = Petition(
        channel=values["channel"],
        category=values["category"],
        petitioner=values["name"][:50],
        phone=_phone(values.get("phone", "")),
        request=values["request"],
        registered_at=ctx.now,
        forward_due=found.day(ctx.tz.tz),
        status=Status.REGISTERED.value,
        created_by=ctx.me.id,
    )
    ctx.session.add(item)
    await ctx.session.flush()
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    await remember_estimate(ctx, item, "forward_due", ctx.now, found)
    ctx.audit_detail["petition"] = item.id
    head = f"✅ 已登记 {item.label}，信访人 {who(item, unmasked=False)}\n"
    if item.category == REPORT_CLASS:
        return (
            head
            + f"⚠️ 检举控告类：依信访工作条例第三十条由纪检监察机关处理，不走转办、办结流程。\n"
            f"移送期限：{due_text(found, ctx)}\n移交：/petition_refer {item.id} 县纪委监委"
        )
    return (
        head + f"转送、交办期限：{due_text(found, ctx)}\n"
        f"转办：/petition_forward {item.id} 单位\n"
        f"领导批示转督办：/instruct 信访{item.id} 单位 期限 批示内容"
    )


@router.command(
    "petition forward",
    aliases=("信访 转办", "信访 交办"),
    roles=[*STAFF, Role.LEADER],
    help="转办信访事项到责任单位，开始 60 日办结时限：信访 转办 4 县水利局",
)
async def petition_forward(
    ctx: HandlerContext, *, item_id: Annotated[int, Arg("编号")], unit: Annotated[str, Arg("单位")]
) -> str:
    """Hand the petition to a unit; the 60-day conclusion clock starts now, or at the unit's
    受理 when ``petitions.conclude_from`` is ``accept``."""
    item = await get(ctx.session, item_id)
    if item.category == REPORT_CLASS:
        raise UserError(
            f"{item.label} 属检举控告类，依信访工作条例第三十条由纪检监察机关处理，"
            f"不转办给业务单位。移交：/petition_refer {item.id} 县纪委监委"
        )
    require(item, (Status.REGISTERED,), "转办")
    org = await org_units.find_org(ctx.session, unit)
    item.org, item.forwarded_at, item.status = org, ctx.now, Status.HANDLING.value
    on_accept = PETITIONS.of(ctx.config).conclude_from == "accept"
    if on_accept:
        found = _clock(ctx, "petition.notice")  # §23 ¶3: 受理 and notice within 15 日
        item.stage_due = found.day(ctx.tz.tz)
    else:
        found = _clock(ctx, "petition.conclude")
        item.accepted_on, item.conclude_due = ctx.today, found.day(ctx.tz.tz)
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    if not on_accept:
        await remember_estimate(ctx, item, "conclude_due", ctx.now, found)
    liaisons = [u.id for u in await org_units.unit_people(ctx.session, org.id, Role.LIAISON)]
    instruction = f"领导批示：{item.instruction}（{item.instruction_by}）\n"
    day = found.day(ctx.tz.tz)
    reached = await notify.tell(
        ctx,
        liaisons,
        Reply(
            f"📮 信访事项交办\n{item.label}，{item.channel}\n"
            f"诉求：{free_text(item, item.request, unmasked=False)}\n"
            + (instruction if item.instruction else "")
            + (
                f"请于 {day} 前受理并书面告知信访人：/petition_accept {item.id}\n"
                "办结期限自受理之日起算\n" + _estimated(ctx, day)
                if on_accept
                else f"办结期限：{day}（{weekday(day)}）\n"
                + _estimated(ctx, day)
                + f"办结：/petition_conclude {item.id} 支持|解释说明|不予支持 意见"
            )
        ),
        key=f"petition:{item.id}:forwarded",
        kind="petition",
    )
    gap = "" if reached else f"\n⚠️ {org.name} 没有已绑定的联络员，请线下通知"
    due = (
        f"受理期限：{due_text(found, ctx)}（办结期限自受理起算）"
        if on_accept
        else (f"办结期限：{due_text(found, ctx)}")
    )
    return f"✅ 已将 {item.label} 转办至 {org.name}\n{due}{gap}"


@router.command(
    "petition conclude",
    aliases=("信访 办结",),
    roles=[Role.LIAISON],
    help="办结信访事项并登记处理意见：信访 办结 4 支持|解释说明|不予支持 意见",
)
async def petition_conclude(
    ctx: HandlerContext,
    *,
    item_id: Annotated[int, Arg("编号")],
    opinion: Annotated[str, Arg("意见类别")],
    text: Annotated[str, Arg("处理意见", rest=True)],
) -> str:
    """Record the 处理意见书; the petitioner may ask for 复查 within the rule's window."""
    item = await get(ctx.session, item_id)
    # whose it is first: another unit's liaison learns nothing of its state
    org_units.require_unit(ctx.me, [item.org.name if item.org else ""], item.label)
    require(item, (Status.HANDLING,), "办结")
    if item.accepted_on is None:
        raise UserError(f"{item.label} 尚未受理，请先 /petition_accept {item.id}")
    record_opinion(item, opinion, text, ctx)
    item.status = Status.CONCLUDED.value
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    late = "（逾期）" if item.conclude_due and ctx.today > item.conclude_due else ""
    return f"✅ {item.label} 已办结{late}，意见：{opinion}。信访人可在 30 日内申请复查。"


def record_opinion(item: Petition, opinion: str, text: str, ctx: HandlerContext) -> None:
    """The 处理意见 (§32) of a conclusion, 复查 or 复核."""
    if opinion not in OPINIONS:
        raise UserError(f"意见类别应为：{'、'.join(OPINIONS)}（信访工作条例第三十二条）")
    item.opinion, item.opinion_text, item.concluded_on = opinion, text, ctx.today

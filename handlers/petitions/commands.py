"""信访 handling: 登记 (15日 clock), 转办 (60日 clock), 延期 (≤30日), 办结, 复查 and 复核."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.fields import Form
from bot.core.messages import Reply
from bot.core.roles import Role
from bot.core.routing import Router
from handlers import notify
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import Deadline, compute, weekday
from models.deadlines.settings import CALENDAR
from models.directory import units as org_units
from models.petitions.plan import replan
from models.petitions.records import (
    CHANNELS,
    CLASSES,
    OPINIONS,
    Petition,
    Status,
    free_text,
    get,
    require,
    who,
)

router = Router("petitions")
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


def _clock(ctx: HandlerContext, rule_id: str, extension: int = 0) -> Deadline:
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    return compute(ctx.now, ctx.config.rules[rule_id], cal, ctx.tz.tz, extension=extension)


def _due_text(found: Deadline, ctx: HandlerContext) -> str:
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
        phone=values.get("phone", "")[:30],
        request=values["request"],
        registered_at=ctx.now,
        forward_due=found.day(ctx.tz.tz),
        status=Status.REGISTERED.value,
        created_by=ctx.me.id,
    )
    ctx.session.add(item)
    await ctx.session.flush()
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    ctx.audit_detail["petition"] = item.id
    return (
        f"✅ 已登记 {item.label}，信访人 {who(item, unmasked=False)}\n"
        f"转送、交办期限：{_due_text(found, ctx)}\n"
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
    """Hand the petition to a unit; the 60-day conclusion clock starts."""
    item = await get(ctx.session, item_id)
    require(item, (Status.REGISTERED,), "转办")
    org = await org_units.find_org(ctx.session, unit)
    found = _clock(ctx, "petition.conclude")
    item.org, item.forwarded_at, item.accepted_on = org, ctx.now, ctx.today
    item.conclude_due, item.status = found.day(ctx.tz.tz), Status.HANDLING.value
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    liaisons = [u.id for u in await org_units.unit_people(ctx.session, org.id, Role.LIAISON)]
    instruction = f"领导批示：{item.instruction}（{item.instruction_by}）\n"
    reached = await notify.tell(
        ctx,
        liaisons,
        Reply(
            f"📮 信访事项交办\n{item.label}，{item.channel}\n"
            f"诉求：{free_text(item, item.request, unmasked=False)}\n"
            + (instruction if item.instruction else "")
            + f"办结期限：{item.conclude_due}（{weekday(item.conclude_due)}）\n"
            f"办结：/petition_conclude {item.id} 支持|解释说明|不予支持 意见"
        ),
        key=f"petition:{item.id}:forwarded",
        kind="petition",
    )
    gap = "" if reached else f"\n⚠️ {org.name} 没有已绑定的联络员，请线下通知"
    return f"✅ 已将 {item.label} 转办至 {org.name}\n办结期限：{_due_text(found, ctx)}{gap}"


@router.command(
    "petition extend",
    aliases=("信访 延期",),
    roles=[Role.SUPERVISOR, Role.LEADER],
    help="延长信访办结期限（合计不超过 30 日，须告知信访人）：信访 延期 4 15 理由",
)
async def petition_extend(
    ctx: HandlerContext,
    *,
    item_id: Annotated[int, Arg("编号")],
    days: Annotated[int, Arg("天数")],
    reason: Annotated[str, Arg("理由", rest=True)],
) -> str:
    """Extend the 60-day clock; the rule's maximum caps the total."""
    item = await get(ctx.session, item_id)
    require(item, (Status.HANDLING,), "延期")
    if item.conclude_due is None or item.accepted_on is None or ctx.today > item.conclude_due:
        raise UserError(f"{item.label} 已超过办结期限，延期须在期限内决定")
    if days <= 0:
        raise UserError("延期天数应为正整数，例如：信访 延期 4 15 需补充调查")
    start = ctx.tz.start_of_day(item.accepted_on) + timedelta(hours=12)
    rule = ctx.config.rules["petition.conclude"]
    found = compute(
        start,
        rule,
        WorkCalendar(CALENDAR.of(ctx.config)),
        ctx.tz.tz,
        extension=item.extension_days + days,
    )
    item.extension_days += days
    item.conclude_due = found.day(ctx.tz.tz)
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    ctx.audit_detail["reason"] = reason
    return (
        f"✅ {item.label} 办结期限延长 {days} 日（累计 {item.extension_days} 日），"
        f"新期限：{_due_text(found, ctx)}\n请书面告知信访人延期理由（{rule.source}{rule.clause}）"
    )


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
    require(item, (Status.HANDLING,), "办结")
    org_units.require_unit(ctx.me, [item.org.name if item.org else ""], item.label)
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

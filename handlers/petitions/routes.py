"""信访 steps off the plain 转办 → 办结 line: the unit's 受理 (when the county's §34 clock starts
there), the §34 extension by whoever holds the head's approval, and the §30 referral of
检举控告 to the 纪检监察 bodies."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.roles import Role
from bot.core.routing import Router
from handlers.petitions.commands import STAFF, due_text, remember_estimate
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import compute
from models.deadlines.settings import CALENDAR
from models.directory import units as org_units
from models.petitions import SCOPE as PETITIONS_SCOPE
from models.petitions.plan import replan
from models.petitions.records import REPORT_CLASS, Status, get, may_extend, require
from models.petitions.settings import PETITIONS

router = Router("petitions-routes", PETITIONS_SCOPE)


@router.command(
    "petition accept",
    aliases=("信访 受理",),
    roles=[Role.LIAISON],
    help="承办单位受理信访事项，开始 60 日办结时限（本县自受理起算时）：信访 受理 4",
)
async def petition_accept(ctx: HandlerContext, *, item_id: Annotated[int, Arg("编号")]) -> str:
    """The handling unit accepts the item; the §34 clock starts today."""
    item = await get(ctx.session, item_id)
    # whose it is first: another unit's liaison learns nothing of its state
    org_units.require_unit(ctx.me, [item.org.name if item.org else ""], item.label)
    if PETITIONS.of(ctx.config).conclude_from != "accept":
        raise UserError(
            "本县办结期限自转办之日起算（petitions.conclude_from: forward），无需登记受理。"
        )
    require(item, (Status.HANDLING,), "受理")
    if item.accepted_on is not None:
        raise UserError(f"{item.label} 已于 {item.accepted_on} 受理，办结期限 {item.conclude_due}")
    rule = ctx.config.rules["petition.conclude"]
    found = compute(ctx.now, rule, WorkCalendar(CALENDAR.of(ctx.config)), ctx.tz.tz)
    item.accepted_on, item.conclude_due, item.stage_due = ctx.today, found.day(ctx.tz.tz), None
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    await remember_estimate(ctx, item, "conclude_due", ctx.now, found)
    return (
        f"✅ 已受理 {item.label}，办结期限：{due_text(found, ctx)}（{rule.basis}）\n"
        f"请书面告知信访人受理情况。办结：/petition_conclude {item.id} 支持|解释说明|不予支持 意见"
    )


@router.command(
    "petition extend",
    aliases=("信访 延期",),
    roles=[Role.SUPERVISOR, Role.LEADER, Role.LIAISON],
    help="经办理机关负责人批准延长办结期限（合计不超过 30 日，须告知信访人）：信访 延期 4 15 理由",
)
async def petition_extend(
    ctx: HandlerContext,
    *,
    item_id: Annotated[int, Arg("编号")],
    days: Annotated[int, Arg("天数", low=1, high=365)],
    reason: Annotated[str, Arg("理由", rest=True)],
) -> str:
    """Extend the 60-day clock (§34); the rule's maximum caps the total."""
    item = await get(ctx.session, item_id)
    PETITIONS_SCOPE.check(ctx.me, [item.org.name if item.org else ""], item.label)
    settings = PETITIONS.of(ctx.config)
    if not may_extend(ctx.me, item, settings.extension_roles, settings.extension_holders):
        raise UserError(
            "信访工作条例第三十四条：延期须经办理机关负责人批准。"
            f"您（{ctx.me.org} {ctx.me.name}）未获此权限；如已获负责人授权，请管理员在 "
            f"config.yaml 的 petitions.extension_holders 中登记「{ctx.me.org}/{ctx.me.name}」。"
        )
    require(item, (Status.HANDLING,), "延期")
    if item.conclude_due is None or item.accepted_on is None:
        raise UserError(f"{item.label} 尚未受理，办结期限还没开始，无需延期")
    if ctx.today > item.conclude_due:
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
    await remember_estimate(ctx, item, "conclude_due", start, found, extension=item.extension_days)
    ctx.audit_detail["reason"] = reason
    return (
        f"✅ {item.label} 办结期限延长 {days} 日（累计 {item.extension_days} 日），"
        f"新期限：{due_text(found, ctx)}\n请书面告知信访人延期理由（{rule.source}{rule.clause}）"
    )


@router.command(
    "petition refer",
    aliases=("信访 移交纪检",),
    roles=[*STAFF, Role.LEADER],
    help="检举控告类移交纪检监察机关（第三十条）：信访 移交纪检 4 县纪委监委",
)
async def petition_refer(
    ctx: HandlerContext,
    *,
    item_id: Annotated[int, Arg("编号")],
    body: Annotated[str, Arg("机关", rest=True)] = "",
) -> str:
    """Hand a 检举控告 item to the 纪检监察 body; the bot's clocks stop, it leaves the 台账."""
    item = await get(ctx.session, item_id)
    if item.category != REPORT_CLASS:
        raise UserError(
            f"{item.label} 不是检举控告类，请按转办流程办理：/petition_forward {item.id} 单位"
        )
    require(item, (Status.REGISTERED,), "移交")
    item.referred_to = (body.strip() or "县纪委监委")[:50]
    item.status = Status.REFERRED.value
    item.forwarded_at = ctx.now
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    ctx.audit_detail["petition"] = item.id
    return f"✅ {item.label} 已移交 {item.referred_to}（信访工作条例第三十条），不再列入信访台账。"

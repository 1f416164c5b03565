"""督办 立项 and 延期 (supervisors): create an item, hand it to its units, plan every push."""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import Button, Reply
from bot.core.roles import Role
from bot.core.routing import Router
from handlers import notify
from handlers.supervision.args import NewTask, amount_rule, due_from, parse_new
from models.deadlines import estimates
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import compute, end_of_day, weekday
from models.deadlines.estimates import estimate_note
from models.deadlines.settings import CALENDAR
from models.directory import units as org_units
from models.directory.users import OrgUnit
from models.supervision import SCOPE as SUPERVISION_SCOPE
from models.supervision import records as supervision
from models.supervision.plan import next_feedback, open_item, replan
from models.supervision.records import Status, SupervisionItem

router = Router("supervision", SUPERVISION_SCOPE)


async def create_item(
    ctx: HandlerContext, task: NewTask, origin: str | None = None
) -> tuple[SupervisionItem, Reply]:
    """立项 + 交办 in one step (批示 and 会后督办 reuse it): the item and the caller's reply."""
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    due_date, warnings = due_from(task.due, ctx.now, ctx.tz, cal)
    org = await org_units.find_org(ctx.session, task.unit)
    co_units = [await org_units.find_org(ctx.session, name) for name in task.co]
    co_orgs = [o.name for o in co_units]
    if org.name in co_orgs:
        raise UserError(f"{org.name} 已是承办单位，不能同时作为协办单位")
    item, plan = await open_item(
        ctx.session,
        ctx.now,
        ctx.config,
        ctx.tz.tz,
        source=task.source,
        title=task.title,
        content=task.content,
        org=org,
        due_date=due_date,
        created_by=ctx.me.id,
        co_orgs=co_orgs,
        leader=task.leader,
        cadence=task.cadence,
        origin=origin,
    )
    await _remember(ctx, item, task.due)
    unreached = await _notify_units(ctx, item, [org, *co_units])
    ctx.audit_detail["task"] = item.id
    lines = [
        f"✅ 已立项并交办 {item.label}",
        f"来源：{item.source}" + (f"；牵头领导：{item.lead_leader}" if item.lead_leader else ""),
        f"承办：{org.name}" + (f"；协办：{'、'.join(co_orgs)}" if co_orgs else ""),
        f"期限：{due_date.isoformat()}（{weekday(due_date)}）24:00 前；反馈：{item.cadence}",
    ]
    if "sign" in plan:
        lines.append(f"签收时限：{ctx.tz.fmt(plan['sign'])} 前，逾时提醒联络员和您")
    lines += [f"⚠️ {w}" for w in warnings]
    lines += [f"⚠️ {name} 没有已绑定的联络员，交办通知未能送达，请线下通知" for name in unreached]
    return item, Reply("\n".join(lines))


async def _remember(ctx: HandlerContext, item: SupervisionItem, due: str) -> None:
    """Keep a 期限 counted over estimated holidays (``10工作日``), to recompute it later."""
    rule = amount_rule(due)
    if rule is None:  # a date typed by the supervisor is not recomputed
        await estimates.forget(ctx.session, "supervision", item.id, "due_date")
        return
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    found = compute(ctx.now, rule, cal, ctx.tz.tz)
    await estimates.note(
        ctx.session,
        ctx.now,
        cal,
        ctx.tz.tz,
        feature="supervision",
        item_id=item.id,
        field="due_date",
        start=ctx.now,
        rule=rule,
        found=found,
    )


async def _notify_units(
    ctx: HandlerContext, item: SupervisionItem, units: list[OrgUnit]
) -> list[str]:
    """Send the 交办通知 to each unit's liaisons; returns the units nobody could receive it in."""
    unreached = []
    show = Button("详情", f"/task {item.id}")
    for unit in units:
        liaisons = await org_units.unit_people(ctx.session, unit.id, Role.LIAISON)
        lead = unit.id == item.lead_org_id
        if lead:
            answer = f"请签收：/task_sign {item.id}（或：督办 签收 {item.id}）"
            buttons: tuple[Button, ...] = (Button("签收", f"/task_sign {item.id}"), show)
        else:
            answer = f"请配合 {item.lead_org.name} 办理，报进展：/task_progress {item.id} 内容"
            buttons = (show,)
        text = (
            f"📌 督办交办通知（{'承办' if lead else '协办'}）\n{item.label}\n来源：{item.source}\n"
            f"{item.content + chr(10) if item.content else ''}"
            f"期限：{item.due_date.isoformat()}（{weekday(item.due_date)}）24:00 前；"
            f"反馈周期：{item.cadence}\n{answer}"
        )
        cal = WorkCalendar(CALENDAR.of(ctx.config))
        if note := estimate_note(cal, item.due_date):
            text += f"\n{note}"
        key = f"task:{item.id}:assign:{unit.id}"
        people = [u.id for u in liaisons]
        reply = Reply(text, buttons=(buttons,))
        if not await notify.tell(ctx, people, reply, key=key, kind="supervision"):
            unreached.append(unit.name)
    return unreached


@router.command(
    "task new",
    aliases=("督办 立项", "督办立项"),
    roles=[Role.SUPERVISOR],
    help="督办立项并交办：督办 立项 县水利局 10工作日 清理河道淤积（也可 标题=… 单位=… 期限=…）",
)
async def task_new(ctx: HandlerContext, *, text: Annotated[str, Arg("内容", rest=True)]) -> Reply:
    """Create and assign a 督办 item from one line."""
    return (await create_item(ctx, parse_new(text)))[1]


@router.command(
    "task extend",
    aliases=("督办 延期",),
    roles=[Role.SUPERVISOR],
    help="延长督办期限（须在到期前），例如：督办 延期 3 2026-12-31 需等待省厅批复",
)
async def task_extend(
    ctx: HandlerContext,
    *,
    item_id: Annotated[int, Arg("编号")],
    due: Annotated[str, Arg("新期限")],
    reason: Annotated[str, Arg("理由", rest=True)],
) -> str:
    """Move the due date; every push is re-planned from the new date."""
    item = await supervision.get(ctx.session, item_id)
    if item.status == Status.CLOSED:
        raise UserError(f"{item.label} 已办结，无需延期")
    if ctx.today > item.due_date:
        raise UserError(f"{item.label} 已于 {item.due_date.isoformat()} 到期，延期须在到期前申请")
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    new_date, warnings = due_from(due, ctx.now, ctx.tz, cal)
    if new_date <= item.due_date:
        raise UserError(f"新期限应晚于现期限 {item.due_date.isoformat()}")
    old = item.due_date
    item.due_date, item.due_at = new_date, end_of_day(new_date, ctx.tz.tz)
    item.card, item.escalation = "", ""
    supervision.log(
        item, "延期", ctx.me.id, ctx.now, f"{old.isoformat()} → {new_date.isoformat()}：{reason}"
    )
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    await _remember(ctx, item, due)
    lines = [
        f"✅ {item.label} 期限由 {old.isoformat()} 延至 "
        f"{new_date.isoformat()}（{weekday(new_date)}）"
    ]
    return "\n".join(lines + [f"⚠️ {w}" for w in warnings])


def first_feedback(ctx: HandlerContext, item: SupervisionItem) -> None:
    """Start the feedback cadence from today (at 签收 and after each 进展)."""
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    item.next_feedback_date = next_feedback(ctx.today, item.cadence, ctx.config, cal, ctx.tz.tz)

"""督办 pushes: 签收, 反馈, 黄/橙/红牌, 催办 → 通报 → 约谈建议, each saying what is due, by when
and the command that answers it (handlers.notify falls back to the supervisor, then the
admins)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.jobs import JobContext, JobRegistry
from bot.core.messages import Button, Reply
from bot.core.roles import Role
from bot.store.due import ClaimedItem
from handlers import notify
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import weekday
from models.deadlines.estimates import estimate_note
from models.deadlines.settings import CALENDAR
from models.directory import units as org_units
from models.directory.users import User, users_with_role
from models.supervision import records as supervision
from models.supervision.plan import KIND, MARKS, next_feedback, replan, wanted
from models.supervision.records import OPEN, Status, SupervisionItem

jobs = JobRegistry("supervision")

_HEADS = {
    "sign": "📥 督办签收提醒",
    "feedback": "📝 督办进展反馈提醒",
    "yellow": "🟨 督办临期提醒（黄牌）",
    "orange": "🟧 督办到期提醒（橙牌）",
    "red": "🟥 督办超期（红牌）",
    "chase": "🟥 督办催办通知",
    "report": "📢 督办超期，已列入督查通报",
    "interview": "⚠️ 督办严重超期，建议约谈",
}


def _due_line(item: SupervisionItem) -> str:
    return f"办理期限：{item.due_date.isoformat()}（{weekday(item.due_date)}）24:00 前"


def _answer(step: str, item: SupervisionItem) -> str:
    if step == "sign":
        return f"请立即签收：/task_sign {item.id}（或：督办 签收 {item.id}）"
    if step in ("report", "interview"):
        return f"查看详情：/task {item.id}；审核销号：/task_close {item.id}"
    return f"报进展：/task_progress {item.id} 内容；办完申请办结：/task_done {item.id} 办理结果"


def _buttons(step: str, item: SupervisionItem) -> tuple[Button, ...]:
    show = Button("详情", f"/task {item.id}")
    return (Button("签收", f"/task_sign {item.id}"), show) if step == "sign" else (show,)


def _body(ctx: JobContext, step: str, item: SupervisionItem) -> str:
    lines = [_HEADS[step], f"{item.label}", f"承办单位：{item.lead_org.name}", _due_line(item)]
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    if note := estimate_note(cal, item.due_date):
        lines.append(note)
    if step == "sign":
        lines.append(f"交办时间：{ctx.tz.fmt(item.assigned_at)}，至今未签收")
    if step == "feedback" and item.next_feedback_date is not None:
        lines.append(f"本期进展应于 {item.next_feedback_date.isoformat()} 报送（{item.cadence}）")
    if step in ("red", "chase", "report", "interview"):
        lines.append(f"已超期 {(ctx.today - item.due_date).days} 天")
    lines.append(_answer(step, item))
    return "\n".join(lines)


async def _recipients(session: AsyncSession, step: str, item: SupervisionItem) -> list[User]:
    liaisons = await org_units.unit_people(session, item.lead_org_id, Role.LIAISON)
    creator = await session.get(User, item.created_by)
    supervisors = [creator] if creator is not None and creator.active else []
    if step == "chase":
        return [*await org_units.unit_people(session, item.lead_org_id, Role.LEADER), *liaisons]
    if step in ("report", "interview"):
        # 通报 and 约谈 are the supervision office's decisions, whoever entered the item
        office = await users_with_role(session, Role.SUPERVISOR)
        return [*supervisors, *(u for u in office if u not in supervisors)]
    if step == "sign":
        return [*liaisons, *supervisors]
    return liaisons


def _superseded(ctx: JobContext, item: SupervisionItem, step: str) -> bool:
    """A later card or ladder step is due too (an item created close to its due date, or pushes
    held up by downtime): only the latest one is worth sending."""
    plan, order = wanted(item, ctx.config, ctx.tz.tz), list(MARKS)
    later = order[order.index(step) + 1 :]
    return any(name in plan and plan[name] <= ctx.now for name in later)


@jobs.due(KIND)
async def push(ctx: JobContext, due_item: ClaimedItem) -> None:
    """Send one step's push and mark the item's card and escalation level."""
    item = await ctx.session.get(SupervisionItem, int(due_item.payload["item"]))
    step = str(due_item.payload["step"])
    if item is None or item.status not in OPEN:
        return  # closed or under review since: nothing is owed
    if step == "sign" and item.status != Status.ASSIGNED:
        return
    if step == "feedback" and item.next_feedback_date is None:
        return
    if step in MARKS and _superseded(ctx, item, step):
        return
    if step in MARKS:
        item.card, item.escalation = MARKS[step]
        action = item.card if step in ("yellow", "orange", "red") else item.escalation
        supervision.log(item, action, None, ctx.now, _HEADS[step])
    people = [p.id for p in await _recipients(ctx.session, step, item)]
    await notify.tell(
        ctx,
        people,
        Reply(_body(ctx, step, item), buttons=(_buttons(step, item),)),
        key=f"task:{item.id}:{step}:{ctx.scheduled_for}",
        kind="supervision",
        fallback=[item.created_by],
    )
    if step == "feedback" and item.next_feedback_date is not None:
        cal = WorkCalendar(CALENDAR.of(ctx.config))
        item.next_feedback_date = next_feedback(
            item.next_feedback_date, item.cadence, ctx.config, cal, ctx.tz.tz
        )
        await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)

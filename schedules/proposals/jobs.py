"""建议提案 reminders: 面商 and 答复 临期 to the lead unit; 超期 and the chase of a B answer's
跟踪答复 to the unit and the office."""

from __future__ import annotations

from bot.core.jobs import JobContext, JobRegistry
from bot.core.messages import Reply
from bot.core.roles import Role
from bot.store.due import ClaimedItem
from handlers import notify
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import weekday
from models.deadlines.estimates import estimate_note
from models.deadlines.settings import CALENDAR
from models.directory import units as org_units
from models.proposals.plan import KIND, OWED
from models.proposals.records import Proposal, Status

jobs = JobRegistry("proposals")


def _text(step: str, item: Proposal) -> str:
    due = item.current_due
    who = item.proposer or "提出人未登记"
    head = f"#{item.id} {item.label}（{who}）\n承办单位：{item.lead_org.name}"
    if step == "contact":
        return (
            f"📞 建议提案面商提醒\n{head}\n"
            f"请于 {item.contact_due}（{weekday(item.contact_due)}）前与提出人联系沟通，"
            f"登记：/proposal_met {item.id} 面商"
        )
    if step == "followup":
        promised = item.followup_due
        return (
            f"🔁 建议提案跟踪答复催办\n{head}\n答复为 B 类（正在解决），承诺 {promised} 前解决，"
            f"现已到期，请将落实情况再次答复提出人，登记：/proposal_followup {item.id} A|C|D"
        )
    what = "再次答复" if item.status == Status.REDO else "答复"
    if step == "reply":
        return (
            f"📄 建议提案{what}临期\n{head}\n{what}期限：{due}（{weekday(due)}）\n"
            f"答复后登记：/proposal_reply {item.id} A|B|C|D"
        )
    return (
        f"🟥 建议提案{what}已超期\n{head}\n{what}期限：{due}（{weekday(due)}），已超期\n"
        f"答复后登记：/proposal_reply {item.id} A|B|C|D"
    )


def _estimated(ctx: JobContext, item: Proposal) -> str:
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    note = estimate_note(cal, item.contact_due, item.current_due)
    return f"\n{note}" if note else ""


@jobs.due(KIND)
async def remind(ctx: JobContext, due_item: ClaimedItem) -> None:
    """Send one reminder if the item still owes what it is about."""
    item = await ctx.session.get(Proposal, int(due_item.payload["item"]))
    step = str(due_item.payload["step"])
    if item is None:
        return
    if step == "followup" and not item.followup_owed:
        return
    if step != "followup" and item.status not in OWED:
        return
    if step == "contact" and item.contacted_on is not None:
        return
    people = [
        u.id for u in await org_units.unit_people(ctx.session, item.lead_org_id, Role.LIAISON)
    ]
    if step in ("overdue", "followup"):
        people.append(item.created_by)
    await notify.tell(
        ctx,
        people,
        Reply(_text(step, item) + _estimated(ctx, item)),
        key=f"proposal:{item.id}:{step}:{ctx.scheduled_for}",
        kind="proposal",
        fallback=[item.created_by],
    )

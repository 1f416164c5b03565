"""信访 reminders: what is due, by when and the command, to the unit (办结) or the registrar;
petitioners' data never appears in them."""

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
from models.petitions.plan import KIND, running
from models.petitions.records import Petition

jobs = JobRegistry("petitions")

_WHAT = {
    "forward": ("登记后转送、交办", "转办：/petition_forward {id} 单位"),
    "conclude": (
        "办结并出具处理意见书",
        "办结：/petition_conclude {id} 支持|解释说明|不予支持 意见",
    ),
    "accept": ("受理并书面告知信访人", "受理：/petition_accept {id}"),
    "stage": ("出具复查/复核意见", "登记意见：/petition_opinion {id} 支持|解释说明|不予支持 意见"),
}


@jobs.due(KIND)
async def remind(ctx: JobContext, due_item: ClaimedItem) -> None:
    """Send one reminder if that clock still runs."""
    item = await ctx.session.get(Petition, int(due_item.payload["item"]))
    step = str(due_item.payload["step"])
    found = running(item) if item is not None else None
    if item is None or found is None or not step.startswith(found[0]):
        return
    name, day = found
    what, answer = _WHAT[name]
    over = step.endswith("_over")
    text = (
        f"{'🟥 信访事项已超期' if over else '⏳ 信访事项临期'}\n{item.label}，{item.channel}\n"
        f"应于 {day}（{weekday(day)}）前{what}{'，现已超期' if over else ''}\n"
        + answer.format(id=item.id)
    )
    if note := estimate_note(WorkCalendar(CALENDAR.of(ctx.config)), day):
        text += f"\n{note}"
    people = [item.created_by]
    if name in ("conclude", "accept") and item.org_id is not None:
        liaisons = await org_units.unit_people(ctx.session, item.org_id, Role.LIAISON)
        people = [u.id for u in liaisons] + ([item.created_by] if over else [])
    await notify.tell(
        ctx,
        people,
        Reply(text),
        key=f"petition:{item.id}:{step}:{ctx.scheduled_for}",
        kind="petition",
        fallback=[item.created_by],
    )

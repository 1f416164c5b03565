"""催报 to units that have not submitted — ahead of the deadline, then ``submissions.chase_rounds``
times after it — then the organiser is told who is late; the organiser's merged result once the
deadline has passed; and the daily check that opens the next
holiday's 值班表报备 ``submissions.roster.auto_open_days`` before it starts."""

from __future__ import annotations

from datetime import timedelta

from bot.core.errors import UserError
from bot.core.jobs import JobContext, JobRegistry
from bot.store.due import ClaimedItem
from handlers.submissions import cards
from models.deadlines.calendar import WorkCalendar
from models.deadlines.settings import CALENDAR
from models.directory.users import User
from models.submissions import collect, roster
from models.submissions import records as sub
from models.submissions.settings import SUBMISSIONS

jobs = JobRegistry("submissions")


@jobs.due(collect.KIND)
async def chase(ctx: JobContext, due_item: ClaimedItem) -> None:
    """One 催报 step: the units still missing are chased, or the organiser hears of them."""
    task = await ctx.session.get(sub.Task, int(due_item.payload["task"]))
    step = str(due_item.payload["step"])
    if task is None or (step == "soon" and ctx.now >= task.due_at):
        return  # a 即将截止 held up past the deadline (downtime) would mislead: over1 follows
    states = await collect.progress(ctx.session, task, ctx.now)
    if step == "merged":
        creator = await ctx.session.get(User, task.created_by) if task.created_by else None
        issuer = creator.org.name if creator is not None else ""
        # a notice: roster phones masked (docs/privacy.md); 报送 汇总 in private shows them
        reply = cards.merged(task, states, ctx.tz, issuer=issuer, today=ctx.today, unmasked=False)
        await cards.tell_organisers(ctx, task, reply, step="merged")
        return
    waiting = [s.unit for s in states if s.entry is None]
    if not waiting:
        return  # everyone has sent: nobody is chased, the organiser needs no list
    if step == "late":
        missing = [u.org_name for u in waiting]
        await cards.tell_organisers(ctx, task, cards.late_notice(task, missing), step="late")
        return
    for unit in waiting:
        unit.chased += 1
    unreached = await cards.announce(
        ctx, task, waiting, step, lambda unit: cards.chase(task, step, unit)
    )
    if unreached:
        reply = cards.unreached(task, unreached)
        await cards.tell_organisers(ctx, task, reply, step=f"{step}:unreached")


@jobs.cron(
    "submission-roster-open",
    "20 8 * * *",
    help="法定节假日前按配置天数自动发起值班表报备（submissions.roster.auto_open_days）",
)
async def open_roster(ctx: JobContext) -> None:
    """Open the next holiday's roster task once it is near enough (once per holiday)."""
    days = SUBMISSIONS.of(ctx.config).roster.auto_open_days
    holiday = roster.next_holiday(WorkCalendar(CALENDAR.of(ctx.config)), ctx.today)
    if not days or holiday is None or holiday.first - ctx.today > timedelta(days=days):
        return
    try:
        task, _, new = await roster.open_roster(
            ctx.session, ctx.config, ctx.tz.tz, ctx.now, created_by=None
        )
    except UserError:
        return  # no units configured that exist: nothing to ask; /roster_report says why
    if not new:
        return
    units = await sub.units_of(ctx.session, task.id)
    notice = cards.notice(task)
    unreached = await cards.announce(ctx, task, units, "open", lambda _: notice)
    await cards.tell_organisers(ctx, task, cards.opened(task, units, unreached), step="opened")

"""督查通报 pushed to supervisors and leaders: weekly on Monday morning, monthly on the 1st,
with its PNG chart (``supervision.report_chart``)."""

from __future__ import annotations

from bot.core.jobs import JobContext, JobRegistry
from bot.core.messages import Reply
from bot.core.roles import Role
from handlers import notify
from models.deadlines.settings import SUPERVISION
from models.directory.users import users_with_role
from models.reports.document import word_attachment
from models.reports.export import attachment
from models.reports.report import Period, as_text, build
from models.supervision.settings import SUPERVISION_DOCS

jobs = JobRegistry("reports")


async def _push(ctx: JobContext, kind: Period) -> None:
    found = await build(ctx.session, kind, ctx.now, ctx.tz.tz, ctx.config)
    people = [
        u.id
        for role in (Role.SUPERVISOR, Role.LEADER)
        for u in await users_with_role(ctx.session, role)
    ]
    chart = (
        attachment(found, kind, ctx.today, "png")
        if SUPERVISION.of(ctx.config).report_chart
        else None
    )
    await notify.tell(
        ctx,
        list(dict.fromkeys(people)),
        # the chart is drawn once after the job's transaction, for every account
        Reply(as_text(found, ctx.today), attachment=chart),
        key=f"report:{kind}:{found.start}",
        kind="report",
        fallback=[],
    )
    # the numbered 《督查通报》 (.docx) follows as its own message: one file per message
    number, word = await word_attachment(
        ctx.session, ctx.now, found, kind, SUPERVISION_DOCS.of(ctx.config), ctx.today
    )
    await notify.tell(
        ctx,
        list(dict.fromkeys(people)),
        Reply(f"📄 {found.title} {number}（Word 公文）", attachment=word),
        key=f"report:{kind}:{found.start}:docx",
        kind="report",
        fallback=[],
    )


# Day names, not numbers: APScheduler 3's from_crontab reads "1" as Tuesday.
@jobs.cron("report-week", "30 8 * * mon", help="每周一 08:30 向督查员和领导推送上周督查通报")
async def weekly(ctx: JobContext) -> None:
    """Last week's 通报."""
    await _push(ctx, "week")


@jobs.cron("report-month", "40 8 1 * *", help="每月 1 日 08:40 推送上月督查通报")
async def monthly(ctx: JobContext) -> None:
    """Last month's 通报."""
    await _push(ctx, "month")

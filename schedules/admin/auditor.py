"""The auditor: every few minutes, tell the admins when the bot itself falls behind — a message
due but unsent (the sender is silent or a platform refuses), a due item past its time but
unfired (the ticker is silent), and the instances' own liveness (schedules/admin/liveness.py).
Once per problem: the key is the oldest late row's id."""

from __future__ import annotations

from datetime import timedelta

from bot.core.jobs import JobContext, JobRegistry
from bot.core.roles import Role
from bot.store import observe
from handlers.admin import cards
from models.directory.users import users_with_role
from schedules.admin import liveness

jobs = JobRegistry("auditor")
KIND = liveness.KIND


# Minutes 2, 7, 12 …: off the round minutes the other jobs and a first start tend to fall on.
@jobs.cron(
    "auditor",
    "2-59/5 * * * *",
    help="每 5 分钟巡检：到期未发的消息、过时未执行的定时事项、实例心跳、发送程序与 Telegram 接收",
)
async def auditor(ctx: JobContext) -> None:
    """Alert the admins about stuck outbox rows, overdue due items and silent instances, once
    per problem."""
    stuck_after = ctx.config.outbox.stuck_after_seconds
    overdue_after = ctx.config.scheduler.overdue_alert_seconds
    stuck = await observe.stuck_outbox(
        ctx.session, ctx.now, timedelta(seconds=stuck_after), skip_kind=KIND
    )
    overdue = await observe.overdue_due(ctx.session, ctx.now, timedelta(seconds=overdue_after))
    admins = [u.id for u in await users_with_role(ctx.session, Role.ADMIN)]
    await liveness.check(ctx, admins)
    if stuck:
        text = cards.stuck_outbox(stuck, stuck_after // 60, ctx.tz)
        await liveness.tell(ctx, admins, text, f"auditor:outbox:{min(s.id for s in stuck)}")
    if overdue:
        text = cards.overdue_due(overdue, overdue_after // 60, ctx.tz)
        await liveness.tell(ctx, admins, text, f"auditor:due:{min(s.id for s in overdue)}")

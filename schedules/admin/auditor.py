"""The auditor: every few minutes, tell the admins when the bot itself falls behind — a message
due but unsent (the sender is silent or a platform refuses), a due item past its time but
unfired (the ticker is silent). Once per problem: the key is the oldest late row's id."""

from __future__ import annotations

from datetime import timedelta

from bot.core.jobs import JobContext, JobRegistry
from bot.core.messages import Reply
from bot.core.roles import Role
from bot.store import observe
from handlers import notify
from handlers.admin import cards
from models.directory.users import users_with_role

jobs = JobRegistry("auditor")
KIND = "auditor"  # its own alerts are not audited again (a silent sender would loop)


# Minutes 2, 7, 12 …: off the round minutes the other jobs and a first start tend to fall on.
@jobs.cron("auditor", "2-59/5 * * * *", help="每 5 分钟巡检：到期未发的消息、过时未执行的定时事项")
async def auditor(ctx: JobContext) -> None:
    """Alert the admins about stuck outbox rows and overdue due items, once per problem."""
    stuck_after = ctx.config.outbox.stuck_after_seconds
    overdue_after = ctx.config.scheduler.overdue_alert_seconds
    stuck = await observe.stuck_outbox(
        ctx.session, ctx.now, timedelta(seconds=stuck_after), skip_kind=KIND
    )
    overdue = await observe.overdue_due(ctx.session, ctx.now, timedelta(seconds=overdue_after))
    if not stuck and not overdue:
        return
    admins = [u.id for u in await users_with_role(ctx.session, Role.ADMIN)]
    if stuck:
        text = cards.stuck_outbox(stuck, stuck_after // 60, ctx.tz)
        await _tell(ctx, admins, text, f"auditor:outbox:{min(s.id for s in stuck)}")
    if overdue:
        text = cards.overdue_due(overdue, overdue_after // 60, ctx.tz)
        await _tell(ctx, admins, text, f"auditor:due:{min(s.id for s in overdue)}")


async def _tell(ctx: JobContext, admins: list[int], text: str, key: str) -> None:
    await notify.tell(ctx, admins, Reply(text), key=key, kind=KIND, fallback=[])

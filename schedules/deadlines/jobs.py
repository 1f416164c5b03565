"""Refreshing the holiday calendar: reload imported notices, recompute every open deadline that
rested on estimated (推定) days, and announce and audit each one that moves."""

from __future__ import annotations

from sqlalchemy import delete

from bot.core.jobs import JobContext, JobRegistry
from bot.core.messages import Reply
from bot.store import audit
from bot.store.due import ClaimedItem
from handlers import notify
from models.deadlines import estimates, imported
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import weekday
from models.deadlines.estimates import EstimatedDeadline, Recomputed
from models.deadlines.settings import CALENDAR
from schedules.deadlines.apply import APPLY, FIELDS

jobs = JobRegistry("deadlines")


async def _announce(ctx: JobContext, done: Recomputed) -> None:
    row, day = done.row, done.day
    applied = await APPLY[row.feature](ctx, row.item_id, row.field, day)
    if applied is None:
        return
    what = FIELDS.get(row.field, row.field)
    text = (
        f"📅 期限调整：{applied.label}\n{what}由 {row.last_day.isoformat()}（推定）改为 "
        f"{day.isoformat()}（{weekday(day)}）24:00 前。\n原因：{day.year} 年节假日安排已按正式数据"
        "重新计算（此前按《全国年节及纪念日放假办法》推定）。"
    )
    if done.still_estimated:
        text += "\n⚠️ 其间仍有年份的节假日为推定，正式通知发布后可能再次调整。"
    await notify.tell(
        ctx,
        list(dict.fromkeys(applied.owners)),
        Reply(text),
        key=f"calendar:{row.feature}:{row.item_id}:{row.field}:{day.isoformat()}",
        kind="calendar",
        fallback=[],
    )
    await audit.append(
        ctx.session,
        ctx.now,
        audit.Entry(
            kind="system",
            command="calendar recompute",
            detail={
                "feature": row.feature,
                "item": row.item_id,
                "field": row.field,
                "from": row.last_day.isoformat(),
                "to": day.isoformat(),
            },
        ),
    )


async def refresh(ctx: JobContext) -> int:
    """Reload notices and recompute; returns how many deadlines moved."""
    await imported.load(ctx.session)
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    moved = 0
    for done in await estimates.recompute(ctx.session, cal, ctx.tz.tz):
        if done.moved:
            moved += 1
            await _announce(ctx, done)
        if done.still_estimated:
            done.row.last_day = done.day
        else:
            await ctx.session.execute(
                delete(EstimatedDeadline).where(EstimatedDeadline.id == done.row.id)
            )
    return moved


@jobs.due(estimates.RECOMPUTE)
async def after_import(ctx: JobContext, item: ClaimedItem) -> None:
    """Right after a notice is imported (chat or CLI)."""
    await refresh(ctx)


@jobs.cron(
    "calendar-refresh",
    "15 8 * * *",
    help="重新读取已导入的节假日通知，按正式数据重算此前按推定节假日计算的期限并通知",
)
async def daily(ctx: JobContext) -> None:
    """Daily: also catches a newer chinese-calendar release and imports by other processes."""
    await refresh(ctx)

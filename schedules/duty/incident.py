"""Incident report clocks: a reminder before each report is due, an escalation when late."""

from __future__ import annotations

from datetime import datetime

from bot.core.jobs import JobContext, JobRegistry
from bot.core.messages import Reply
from bot.store.due import ClaimedItem
from models.duty import incident as duty_incident
from models.duty import notify as duty_notify
from models.duty import records as duty
from schedules.duty.jobs import reach

jobs = JobRegistry("duty-incident")


@jobs.due(duty_incident.CLOCK)
async def report_clock(ctx: JobContext, item: ClaimedItem) -> None:
    """Remind the officers on duty; when overdue, the 带班领导 and admins hear too."""
    incident = await ctx.session.get(duty_incident.Incident, item.payload["incident_id"])
    if incident is None or incident.closed_at is not None:
        return
    stage, step = item.payload["stage"], item.payload["step"]
    if stage != "followup" and incident.done(stage):
        return
    at = ctx.tz.fmt(datetime.fromisoformat(item.payload["due"]))
    what = duty_incident.STAGES[stage]
    head = f"事件 #{incident.id}【{incident.level}·{incident.category}】{incident.summary}"
    slots = await duty.slots_at(ctx.session, ctx.now)
    officers: list[int | None] = [uid for s in slots for uid in s.officer_ids] or [
        incident.opened_by
    ]
    command = {"followup": "/incident followup", "phone": "/incident phone"}.get(
        stage, "/incident report"
    )
    if step == "remind":
        text = f"⏰ {head}\n{what}时限 {at}，请按时报告；报告后发送 {command} {incident.id} 内容。"
        await reach(ctx, officers, Reply(text), f"due:{item.id}", urgent=True)
        return
    text = (
        f"【超时】{head}\n{what}时限 {at} 已过，尚未记录报告。"
        f"请立即报告（{command} {incident.id}）。"
    )
    leaders = [s.leader_id for s in slots if s.leader_id] or await duty_notify.leader_ids(
        ctx.session
    )
    admins = await duty_notify.admin_ids(ctx.session)
    await reach(ctx, [*officers, *leaders, *admins], Reply(text), f"due:{item.id}", urgent=True)

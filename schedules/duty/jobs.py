"""Duty reminders and escalations: the day before, before the shift starts and ends, a missed
check-in (带班领导, then admins), an unconfirmed handover, and the missing-calendar warning."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.core.jobs import JobContext, JobRegistry
from bot.core.messages import Button, Reply
from bot.store import audit, outbox
from bot.store.due import ClaimedItem
from models.deadlines.calendar import WorkCalendar
from models.deadlines.settings import CALENDAR
from models.duty import due as duty_due
from models.duty import notify as duty_notify
from models.duty import shift as duty_shift
from models.duty.records import DutySlot

jobs = JobRegistry("duty")
CALENDAR_LOOKAHEAD = timedelta(days=60)


async def reach(
    ctx: JobContext,
    user_ids: Sequence[int | None],
    reply: Reply,
    key: str,
    *,
    urgent: bool = False,
) -> None:
    """Tell these people; when none of them can be reached, tell the admins instead."""
    priority = outbox.Priority.EMERGENCY if urgent else outbox.Priority.ROUTINE
    ids = [i for i in user_ids if i is not None]
    if await duty_notify.tell(ctx.session, ctx.now, ids, reply, key=key, priority=priority):
        return
    admins = await duty_notify.admin_ids(ctx.session)
    fallback = Reply(f"（无法送达相关人员，转管理员）{reply.text}")
    if await duty_notify.tell(
        ctx.session, ctx.now, admins, fallback, key=f"{key}:admin", priority=priority
    ):
        return
    # Nobody at all has a chat account: the audit log is the last place it can be seen.
    await audit.append(
        ctx.session,
        ctx.now,
        audit.Entry(
            kind="system",
            command="duty:notify",
            outcome="undeliverable",
            detail={"key": key, "text": reply.text[:300]},
        ),
    )


def _late(ctx: JobContext) -> str:
    return "\n（因系统停机延迟送达）" if ctx.late else ""


@jobs.due(duty_due.REMIND)
async def remind(ctx: JobContext, item: ClaimedItem) -> None:
    """Day-before, start and end reminders to the slot's people as the roster stands now."""
    slot = await ctx.session.get(DutySlot, item.payload["slot_id"])
    if slot is None:
        return
    step, when = item.payload["step"], slot.describe(ctx.tz)
    if step == "day-before":
        people = [*slot.officer_ids, slot.leader_id, slot.backup_id]
        text = f"明天您值班：{when}。请提前 10 分钟到岗，到岗后发送「接班」。"
        reply = Reply(text + _late(ctx))
    elif step == "start":
        people = list(slot.officer_ids)
        start = ctx.tz.local(slot.start_at).strftime("%H:%M")
        reply = Reply(
            f"您的值班将于 {start} 开始：{when}。到岗后请点「接班」。" + _late(ctx),
            buttons=((Button("接班", "接班"),),),
        )
    else:
        people = list(slot.officer_ids)
        end = ctx.tz.local(slot.end_at).strftime("%H:%M")
        reply = Reply(
            f"本班将于 {end} 结束，请整理遗留事项并发送「交班 遗留事项」，接班人确认前请勿离岗。"
            + _late(ctx)
        )
    await reach(ctx, people, reply, f"due:{item.id}")


@jobs.due(duty_due.CHECKIN)
async def missed_checkin(ctx: JobContext, item: ClaimedItem) -> None:
    """Officers not checked in: first the 带班领导, later the admins."""
    slot = await ctx.session.get(DutySlot, item.payload["slot_id"])
    if slot is None:
        return
    done = await duty_shift.checked_in_ids(ctx.session, slot.id)
    missing = [u for u in slot.officers if u.id not in done]
    if not missing:
        return
    names = "、".join(u.name for u in missing)
    start = ctx.tz.fmt(slot.start_at)
    text = f"【未接班】{names} 尚未接班（{slot.shift}，应于 {start} 到岗）。请核实并安排备班。"
    if slot.backup:
        text += f"\n备班：{slot.backup.name} {slot.backup.phone or ''}".rstrip()
    if item.payload["step"] == "leader":
        leaders = [slot.leader_id] if slot.leader_id else await duty_notify.leader_ids(ctx.session)
        await reach(ctx, leaders, Reply(text), f"due:{item.id}", urgent=True)
    else:
        admins = await duty_notify.admin_ids(ctx.session)
        await reach(
            ctx,
            admins,
            Reply(text + "（已超过接班时间较久，请管理员跟进）"),
            f"due:{item.id}",
            urgent=True,
        )


@jobs.due(duty_shift.HANDOVER)
async def unconfirmed_handover(ctx: JobContext, item: ClaimedItem) -> None:
    """A 交班 nobody confirmed: the 带班领导, then the admins."""
    record = await ctx.session.get(duty_shift.DutyHandover, item.payload["handover_id"])
    if record is None or record.confirmed_at is not None:
        return
    slot = await ctx.session.get(DutySlot, record.slot_id)
    following = (
        await ctx.session.get(DutySlot, record.next_slot_id) if record.next_slot_id else None
    )
    who = "、".join(u.name for u in following.officers) if following else "（下一班未排班）"
    text = (
        f"【交接未确认】{record.by_user.name} {ctx.tz.fmt(record.at)} 交班，"
        f"接班人 {who} 尚未确认接班。遗留事项：{record.pending or '无'}"
    )
    if item.payload["tier"] == "leader":
        leader = slot.leader_id if slot else None
        leaders = [leader] if leader else await duty_notify.leader_ids(ctx.session)
        await reach(ctx, leaders, Reply(text), f"due:{item.id}", urgent=True)
    else:
        admins = await duty_notify.admin_ids(ctx.session)
        await reach(ctx, admins, Reply(text), f"due:{item.id}", urgent=True)


@jobs.cron(
    "duty-calendar-check", "0 9 * * *", help="排班日历缺少某年节假日数据时提醒管理员（每年一次）"
)
async def calendar_check(ctx: JobContext) -> None:
    """Warn the admins once per year that the coming weeks fall in a year without holiday data."""
    cal = WorkCalendar(CALENDAR.of(ctx.config))
    for year in sorted({ctx.today.year, (ctx.today + CALENDAR_LOOKAHEAD).year}):
        warning = cal.warning(year)
        if warning is None:
            continue
        text = (
            f"【排班日历】{warning}{year} 年通知发布后请导入：dutybot calendar import 通知.txt"
            f"，或在聊天中发送「导入节假日 通知全文」（也可在 config.yaml 的 calendar.overrides"
            f" 中补充）。"
        )
        admins = await duty_notify.admin_ids(ctx.session)
        await duty_notify.tell(
            ctx.session, ctx.now, admins, Reply(text), key=f"duty:calendar:{year}"
        )

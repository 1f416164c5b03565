"""会议通知 and what follows it: sending the notices, 变更 and 取消 (told to everyone who got the
notice), the 回执 on demand, materials reported sent, and the list of upcoming meetings."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext, WorkContext
from bot.core.errors import UserError
from bot.core.messages import ChatKind, Target
from bot.core.roles import ANY_BOUND
from bot.core.routing import Router
from handlers import notify
from handlers.meetings import cards
from handlers.meetings.form import check_materials, parse_change
from models.meetings import ORGANISERS, READERS, invites, plan
from models.meetings import SCOPE as MEETINGS_SCOPE
from models.meetings import records as meetings
from models.meetings.records import Invitation, Meeting, MeetingStatus
from models.meetings.settings import MEETINGS
from models.meetings.tally import tally

router = Router("meetings_notices", MEETINGS_SCOPE)


async def send_notice(ctx: WorkContext, meeting: Meeting, row: Invitation) -> None:
    """Send ``row`` its notice (once: keyed by the invitation); the organiser hears of anyone
    without a bound account, to tell them by phone."""
    stood_for = ""
    if row.substitute_for is not None:
        original = await ctx.session.get(Invitation, row.substitute_for)
        stood_for = original.user.name if original else ""
    row.notified_at = row.notified_at or ctx.now
    await notify.tell(
        ctx,
        [row.user_id],
        cards.notice(meeting, row, ctx.tz, stood_for),
        key=f"mtg:{meeting.id}:notice:{row.id}",
        kind="meeting_notice",
        fallback=[meeting.created_by],
    )


async def _open(ctx: HandlerContext, meeting_id: int) -> Meeting:
    meeting = await meetings.get(ctx.session, meeting_id)
    if meeting.state is MeetingStatus.CANCELLED:
        raise UserError(f"{meeting.label} 已取消。")
    if meeting.starts_at is not None and meeting.starts_at <= ctx.now:
        raise UserError(
            f"{meeting.label} 已于 {ctx.tz.fmt(meeting.starts_at)} 开始，不能再变更或通知。"
        )
    return meeting


@router.command(
    "meeting notify",
    aliases=("会议 通知", "办会 通知", "meeting 通知"),
    roles=ORGANISERS,
    help="向参会人发会议通知（带 参加/请假 按钮），回执汇总推送给您并实时更新",
)
async def meeting_notify(
    ctx: HandlerContext, *, meeting_id: Annotated[int, Arg("会议编号")]
) -> str:
    """Send every invitee not yet told their notice; start the reminders and the live 回执."""
    meeting = await _open(ctx, meeting_id)
    if meeting.starts_at is None:
        raise UserError(
            f"{meeting.label} 只登记了日期，请先补上开始时刻："
            f"/meeting_change {meeting.id} 时间=明天 9:00"
        )
    rows = [r for r in await meetings.invitations(ctx.session, meeting.id) if r.counted]
    if not rows:
        raise UserError(
            f"{meeting.label} 没有参会人。追加：/meeting_change {meeting.id} 参会=单位或姓名"
        )
    todo = [r for r in rows if r.notified_at is None]
    if not todo:
        raise UserError(
            f"{meeting.label} 的通知已发给全部 {len(rows)} 人。回执：/meeting_rsvp {meeting.id}"
        )
    if meeting.state is MeetingStatus.REGISTERED:
        meeting.status = MeetingStatus.NOTIFIED.value
        meeting.notified_at = ctx.now
    meeting.summary_target = str(Target(ctx.msg.platform, ctx.msg.sender_id))
    for row in todo:
        await send_notice(ctx, meeting, row)
    await plan.replan(ctx.session, ctx.now, meeting, ctx.config, ctx.tz.tz)
    await plan.queue_summary(ctx.session, ctx.now, meeting, ctx.config)
    ctx.audit_detail.update(meeting=meeting.id, notified=len(todo))
    return (
        f"✅ 已向 {len(todo)} 人发出 {meeting.label} 的会议通知。\n"
        f"回执汇总将推送给您并随回复更新；随时查看：/meeting_rsvp {meeting.id}"
    )


@router.command(
    "meeting change",
    aliases=("会议 变更", "办会 变更", "meeting 变更"),
    roles=ORGANISERS,
    help="变更会议：会议 变更 3 时间=明天 10:00 地点=… 议题=… 参会=追加人员"
    "（已通知的人都会收到变更通知）",
)
async def meeting_change(
    ctx: HandlerContext,
    *,
    meeting_id: Annotated[int, Arg("会议编号")],
    text: Annotated[str, Arg("键=值…", rest=True)],
) -> str:
    """Change time, place, topics, name or materials deadline, or invite more people."""
    meeting = await _open(ctx, meeting_id)
    form = parse_change(text, ctx.now, ctx.tz)
    starts_at = form.starts_at or meeting.starts_at
    check_materials(starts_at, form.materials_due or meeting.materials_due)
    if form.starts_at is not None:
        meeting.starts_at = form.starts_at
        meeting.held_on = form.starts_at.astimezone(ctx.tz.tz).date()
    for name in ("title", "place", "topics", "materials_due"):
        if name in form.given:
            setattr(meeting, name, getattr(form, name))
    config = MEETINGS.of(ctx.config)
    added = await invites.invite(
        ctx.session, meeting, await invites.resolve(ctx.session, form.people, config.unit_roles)
    )
    changed = [label for key, label in _CHANGED.items() if key in form.given]
    told = 0
    if meeting.state is MeetingStatus.NOTIFIED:
        if changed:
            meeting.revision += 1
            for row in await meetings.invitations(ctx.session, meeting.id):
                if row.counted and row.notified_at is not None and row not in added:
                    told += await notify.tell(
                        ctx,
                        [row.user_id],
                        cards.change_notice(meeting, row, ctx.tz, changed),
                        key=f"mtg:{meeting.id}:change:{meeting.revision}:{row.id}",
                        kind="meeting_change",
                        fallback=[meeting.created_by],
                    )
        for row in added:
            await send_notice(ctx, meeting, row)
        await plan.replan(ctx.session, ctx.now, meeting, ctx.config, ctx.tz.tz)
        await plan.queue_summary(ctx.session, ctx.now, meeting, ctx.config)
    ctx.audit_detail.update(meeting=meeting.id, changed=changed, added=len(added))
    lines = [
        f"✅ 已变更 {meeting.label}：{'、'.join(changed) or '参会人'}",
        *cards.details(meeting, ctx.tz),
    ]
    if added:
        lines.append(f"追加参会人 {len(added)} 人" + ("，已发通知" if meeting.notified_at else ""))
    if told:
        lines.append(f"已向 {told} 位已通知的参会人发出变更通知")
    return "\n".join(lines)


_CHANGED = {
    "time": "时间",
    "title": "名称",
    "place": "地点",
    "topics": "议题",
    "materials_due": "材料截止",
}


@router.command(
    "meeting cancel",
    aliases=("会议 取消", "办会 取消", "meeting 取消"),
    roles=ORGANISERS,
    help="取消会议：会议 取消 3 [原因]（已通知的人都会收到取消通知）",
)
async def meeting_cancel(
    ctx: HandlerContext,
    *,
    meeting_id: Annotated[int, Arg("会议编号")],
    reason: Annotated[str, Arg("原因", rest=True)] = "",
) -> str:
    """Cancel: no more reminders, and everyone who got the notice is told."""
    meeting = await _open(ctx, meeting_id)
    meeting.status = MeetingStatus.CANCELLED.value
    await plan.replan(ctx.session, ctx.now, meeting, ctx.config, ctx.tz.tz)
    told = 0
    for row in await meetings.invitations(ctx.session, meeting.id):
        if row.counted and row.notified_at is not None:
            told += await notify.tell(
                ctx,
                [row.user_id],
                cards.cancel_notice(meeting, ctx.tz, reason.strip()[:200]),
                key=f"mtg:{meeting.id}:cancel:{row.id}",
                kind="meeting_change",
                fallback=[meeting.created_by],
            )
    if meeting.notified_at is not None:
        await plan.queue_summary(ctx.session, ctx.now, meeting, ctx.config)
    ctx.audit_detail.update(meeting=meeting.id, told=told)
    return f"✅ 已取消 {meeting.label}" + (f"，已通知 {told} 人" if told else "")


@router.command(
    "meeting rsvp",
    aliases=("会议 回执", "办会 回执", "meeting 回执"),
    roles=READERS,
    help="会议回执：参加 x / 请假 y（代参 z）/ 未回复 w 及名单（群聊中姓名打码）",
)
async def meeting_rsvp(ctx: HandlerContext, *, meeting_id: Annotated[int, Arg("会议编号")]) -> str:
    """The 回执 now; in a group chat names are masked and reasons left out."""
    meeting = await meetings.get(ctx.session, meeting_id)
    if meeting.notified_at is None:
        raise UserError(f"{meeting.label} 尚未发通知：/meeting_notify {meeting.id}")
    found = await tally(ctx.session, meeting.id)
    masked = ctx.msg.chat_kind is ChatKind.GROUP
    return cards.summary_text(meeting, found, ctx.tz, ctx.now, masked=masked)


@router.command(
    "meeting materials",
    aliases=("会议 报送", "会议 材料已报送"),
    roles=ANY_BOUND,
    help="报告会议材料已报送：会议 报送 3",
)
async def meeting_materials(
    ctx: HandlerContext, *, meeting_id: Annotated[int, Arg("会议编号")]
) -> str:
    """Mark the caller's materials sent: no more materials reminders for them."""
    meeting = await meetings.get(ctx.session, meeting_id)
    rows = await meetings.invitations(ctx.session, meeting.id)
    mine = next((r for r in rows if r.user_id == ctx.me.id and r.owes_materials), None)
    if mine is None:
        raise UserError(f"{meeting.label} 没有需要您报送的材料。")
    if mine.materials_at is None:
        mine.materials_at = ctx.now
        if meeting.notified_at is not None:
            await plan.queue_summary(ctx.session, ctx.now, meeting, ctx.config)
    return f"✅ 已记录：{meeting.label} 的材料已于 {ctx.tz.fmt(mine.materials_at)} 报送。"


@router.command(
    "meetings",
    aliases=("近期会议", "会议安排", "会议 近期"),
    roles=ANY_BOUND,
    help="近期会议（组织者、领导看全部，其他人看通知了自己的）",
)
async def meetings_upcoming(ctx: HandlerContext) -> str:
    """Meetings starting within ``meetings.upcoming_days``, with the caller's own 回执."""
    days = MEETINGS.of(ctx.config).upcoming_days
    found = await meetings.upcoming(ctx.session, ctx.now, ctx.now + timedelta(days=days))
    everything = bool(ctx.me.roles & READERS)
    lines = []
    for meeting in found:
        rows = await meetings.invitations(ctx.session, meeting.id)
        mine = next((r for r in rows if r.user_id == ctx.me.id and r.counted), None)
        if not everything and (mine is None or mine.notified_at is None):
            continue
        lines.append(cards.listed(meeting, mine, ctx.tz))
    if not lines:
        return f"未来 {days} 天没有您的会议。"
    return f"未来 {days} 天的会议：\n" + "\n".join(lines)

"""Creating a meeting (with its invitations, or registered only for its decisions), and 会后督办:
a meeting's decisions, then every decision becomes a 督办 item at once."""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg, first_word
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import ChatKind
from bot.core.roles import ANY_BOUND, Role
from bot.core.routing import Router
from handlers.meetings import cards
from handlers.meetings.form import parse_new
from handlers.supervision.args import NewTask, due_from
from handlers.supervision.commands import create_item
from models.deadlines.calendar import WorkCalendar
from models.deadlines.clocks import at_hour
from models.deadlines.compute import compute
from models.deadlines.settings import CALENDAR
from models.directory import units as org_units
from models.meetings import ORGANISERS, invites
from models.meetings import SCOPE as MEETINGS_SCOPE
from models.meetings import records as meetings
from models.meetings.settings import MEETINGS
from models.supervision.records import SOURCES

router = Router("meetings", MEETINGS_SCOPE)
LIST_LIMIT = 10


@router.command(
    "meeting new",
    aliases=("会议 新建", "会议 登记", "办会 新建", "meeting 新建"),
    roles=ORGANISERS,
    help="新建会议：会议 新建 专题会议 明天 9:00 名称 地点=… 议题=… 参会=单位或姓名 "
    "[材料=… 材料截止=…]",
)
async def meeting_new(
    ctx: HandlerContext, *, text: Annotated[str, Arg("类别 时间 名称 [键=值…]", rest=True)]
) -> str:
    """Create a meeting with its invitations (sent by /meeting_notify); or, with a date and no
    time, register one only for its decisions (会后督办)."""
    form = parse_new(text, ctx.now, ctx.tz)
    config = MEETINGS.of(ctx.config)
    kind = config.kind(form.kind)
    if kind is None:
        raise UserError(f"会议类别应为：{'、'.join(config.kinds)}")
    people = await invites.resolve(ctx.session, form.people, config.unit_roles)
    owing = await invites.resolve(ctx.session, form.owing, config.unit_roles)
    day = form.held_on or (form.starts_at.astimezone(ctx.tz.tz).date() if form.starts_at else None)
    assert day is not None  # parse_new gives a date or a time
    meeting = meetings.Meeting(
        kind=kind,
        held_on=day,
        title=form.title,
        created_by=ctx.me.id,
        created_at=ctx.now,
        starts_at=form.starts_at,
        place=form.place,
        topics=form.topics,
        materials_due=form.materials_due,
    )
    ctx.session.add(meeting)
    await ctx.session.flush()
    await invites.invite(ctx.session, meeting, [*people, *owing], owing={o.user.id for o in owing})
    ctx.audit_detail.update(meeting=meeting.id, invited=len(people) + len(owing))
    if meeting.starts_at is None:
        return (
            f"✅ 已登记 {meeting.label}（{kind}，{day}）\n"
            f"逐条录入决定事项：/meeting_decision {meeting.id} 承办单位 [期限] 内容\n"
            f"录完后一次转督办：/meeting_supervise {meeting.id}"
        )
    rows = await meetings.invitations(ctx.session, meeting.id)
    return cards.created(meeting, rows, ctx.tz, masked=ctx.msg.chat_kind is ChatKind.GROUP)


@router.command(
    "meeting decision",
    aliases=("会议 决定事项",),
    roles=[Role.SUPERVISOR],
    help="录入会议决定事项：会议 决定事项 2 县水利局 [10工作日] 内容（期限缺省按规则表）",
)
async def meeting_decision(
    ctx: HandlerContext,
    *,
    meeting_id: Annotated[int, Arg("会议编号")],
    unit: Annotated[str, Arg("承办单位")],
    text: Annotated[str, Arg("[期限] 内容", rest=True)],
) -> str:
    """Add one decision; a leading date or amount is its 期限."""
    meeting = await meetings.get(ctx.session, meeting_id)
    org = await org_units.find_org(ctx.session, unit)
    due, content = first_word(text)
    try:
        due_from(due, ctx.now, ctx.tz, WorkCalendar(CALENDAR.of(ctx.config)))
    except UserError:
        due, content = "", text  # no 期限 given: the rule table decides at 会后督办
    if not content.strip():
        raise UserError("请写决定事项内容，例如：会议 决定事项 2 县水利局 10工作日 完成河堤加固")
    meeting.decisions.append(meetings.MeetingDecision(org=org, due=due, content=content.strip()))
    await ctx.session.flush()
    return (
        f"✅ {meeting.label} 第 {len(meeting.decisions)} 项决定事项：{org.name}，{content.strip()}"
    )


@router.command(
    "meeting supervise",
    aliases=("会后督办", "会议 督办"),
    roles=[Role.SUPERVISOR],
    help="把会议的全部决定事项一次转为督办事项",
)
async def meeting_supervise(
    ctx: HandlerContext, *, meeting_id: Annotated[int, Arg("会议编号")]
) -> str:
    """Create one 督办 item per decision not yet supervised."""
    meeting = await meetings.get(ctx.session, meeting_id)
    todo = [d for d in meeting.decisions if d.task_id is None]
    if not todo:
        raise UserError(
            f"{meeting.label} 没有待转督办的决定事项。录入：/meeting_decision {meeting.id} …"
        )
    default = _default_due(ctx, meeting)
    spellings = (meeting.kind, *MEETINGS.of(ctx.config).kinds.get(meeting.kind, ()))
    source = next((k for k in spellings if k in SOURCES), "会议")
    lines = [f"✅ {meeting.label} 已转督办 {len(todo)} 项："]
    for decision in todo:
        task = NewTask(
            title=f"{meeting.title}：{decision.content}"[:200],
            unit=decision.org.name,
            due=decision.due or default,
            source=source,
            content=decision.content,
        )
        item, reply = await create_item(ctx, task, origin=f"meeting:{meeting.id}")
        decision.task_id = item.id
        lines.append(f"  督办 #{item.id} {decision.org.name}，期限 {item.due_date}")
        lines += [f"  {line}" for line in reply.text.splitlines() if line.startswith("⚠️")]
    return "\n".join(lines)


def _default_due(ctx: HandlerContext, meeting: meetings.Meeting) -> str:
    """The rule table's limit from the meeting day, or from today when that is already past."""
    rule = ctx.config.rules["supervision.meeting"]
    cal, tz = WorkCalendar(CALENDAR.of(ctx.config)), ctx.tz.tz
    day = compute(at_hour(meeting.held_on, 12, tz), rule, cal, tz).day(tz)
    if day < ctx.today:
        day = compute(ctx.now, rule, cal, tz).day(tz)
    return day.isoformat()


@router.command(
    "meeting list",
    aliases=("会议 列表",),
    roles=ANY_BOUND,
    help="最近的会议及决定事项（联络员看本单位的）",
)
async def meeting_list(ctx: HandlerContext) -> str:
    """Recent meetings with each decision's 督办 number (a liaison: its own unit's decisions)."""
    found = await meetings.recent(ctx.session, LIST_LIMIT)
    if not found:
        return "尚无会议。登记：/meeting_new 常务会 日期 名称"
    lines = []
    for meeting in found:
        lines.append(f"{meeting.label} {meeting.kind} {meeting.held_on}")
        lines += [
            f"  {i}. {d.org.name}：{d.content}"
            + (f" → 督办 #{d.task_id}" if d.task_id else "（未转督办）")
            for i, d in enumerate(meeting.decisions, 1)
            if MEETINGS_SCOPE.sees(ctx.me, [d.org.name])
        ]
    return "\n".join(lines)

"""信息报送 and 值班表报备: an organiser opens a task for units, each unit's liaison submits (and
may revise before the deadline), 催报 goes out by itself, the organiser gets the merged result.

Organisers are 值班员 (the duty room collects rosters and daily information), 督查员 (who
collect 督查 material) and admins; leaders may read progress and the merged result; a liaison
submits and reads only for its own unit (models/submissions SCOPE).
"""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg, first_word, parse_date, parse_int
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.fields import Form
from bot.core.messages import Reply
from bot.core.privacy import unmasked_for
from bot.core.roles import ANY_BOUND, Role
from bot.core.routing import Router
from bot.core.scope import OutOfScope
from handlers.submissions import cards
from models.directory import units as org_units
from models.submissions import SCOPE, collect, roster
from models.submissions import records as sub
from models.submissions.settings import SUBMISSIONS

router = Router("submissions", SCOPE)
ORGANISERS = (Role.ADMIN, Role.OFFICER, Role.SUPERVISOR)
READERS = (*ORGANISERS, Role.LEADER)
LIST_LIMIT = 15
NEW_FORM = Form(
    {"units": ("单位", "units"), "due": ("截止", "期限", "due"), "ask": ("要求", "内容", "ask")},
    ("title",),
    "用法：报送 新建 标题 单位=县水利局、城关镇（或 全部乡镇、全部部门） "
    "截止=2026-12-01 要求=报送内容",
)


async def find_task(ctx: HandlerContext, task_id: int) -> tuple[sub.Task, list[sub.TaskUnit]]:
    """The task and its units, refused to a liaison whose unit it does not ask."""
    task = await sub.get(ctx.session, task_id)
    units = await sub.units_of(ctx.session, task.id)
    if SCOPE.units(ctx.me) is not None and ctx.me.org not in {u.org_name for u in units}:
        raise OutOfScope(f"{task.label} 未发给{ctx.me.org}，不在您的查看范围内。")
    return task, units


@router.command(
    "submission new",
    aliases=("报送 新建", "发起报送", "信息报送 新建"),
    roles=ORGANISERS,
    help="发起信息报送：报送 新建 标题 单位=… 截止=日期 要求=…",
)
async def new_task(
    ctx: HandlerContext, *, text: Annotated[str, Arg("标题 单位= 截止= 要求=", rest=True)]
) -> str:
    """Open a task and tell each unit's liaisons."""
    values = NEW_FORM.parse(text)
    NEW_FORM.require(values, {"title": "标题", "units": "单位", "due": "截止日期"})
    try:
        due_day = parse_date(values["due"], ctx.today)
    except ValueError:
        raise UserError(f"截止日期「{values['due']}」无法识别，应写作 2026-12-01。") from None
    if len(values["title"]) > 100:
        raise UserError("标题请不超过 100 字。")
    if len(values.get("ask", "")) > SUBMISSIONS.of(ctx.config).max_text_chars:
        raise UserError("要求过长，请精简后重发（或分条说明）。")
    orgs = await collect.resolve_units(ctx.session, ctx.config, values["units"])
    task = await collect.open_task(
        ctx.session,
        ctx.config,
        ctx.tz.tz,
        ctx.now,
        title=values["title"],
        ask=values.get("ask", ""),
        due_day=due_day,
        units=orgs,
        created_by=ctx.me.id,
    )
    return await _opened(ctx, task)


async def _opened(ctx: HandlerContext, task: sub.Task) -> str:
    units = await sub.units_of(ctx.session, task.id)
    notice = cards.notice(task)
    unreached = await cards.announce(ctx, task, units, "open", lambda _: notice)
    ctx.audit_detail.update(task=task.id, units=len(units))
    return cards.opened(task, units, unreached).text


@router.command(
    "roster report",
    aliases=("值班表报备", "报送 值班安排"),
    roles=ORGANISERS,
    help="发起下一个法定节假日的值班表报备（各乡镇、部门报送值班安排）",
)
async def roster_task(
    ctx: HandlerContext, *, units: Annotated[str, Arg("单位", rest=True)] = ""
) -> str:
    """Open the roster task of the next holiday (or say which one is open)."""
    task, holiday, new = await roster.open_roster(
        ctx.session, ctx.config, ctx.tz.tz, ctx.now, created_by=ctx.me.id, units=units or None
    )
    if not new:
        return (
            f"{holiday.title}的值班表报备已发起：{task.label}。"
            f"进度：/submission_progress {task.id}"
        )
    text = await _opened(ctx, task)
    return text + ("\n⚠️ 假期安排为推定，以国务院办公厅通知为准" if holiday.estimated else "")


@router.command(
    "submission",
    aliases=("信息报送", "报送", "报送 列表"),
    roles=ANY_BOUND,
    help="查看报送任务（联络员只看本单位的）；/submission 进度 编号 查看进度",
)
async def list_tasks(
    ctx: HandlerContext, *, more: Annotated[str, Arg("进度 编号", rest=True)] = ""
) -> str:
    """The newest tasks, a liaison's own unit's only with its standing; ``进度 <编号>`` (or a
    bare number) shows one task's progress, as /submission_progress does."""
    if more:
        word, number = first_word(more)
        number = number if word == "进度" else more
        if not number.isdigit():
            raise UserError("用法：/submission 查看任务列表；/submission 进度 编号 查看进度")
        return str(await show_progress(ctx, task_id=parse_int(number, 1)))
    own = SCOPE.units(ctx.me)
    org_id = None if own is None else (await org_units.find_org(ctx.session, own)).id
    found = await sub.tasks(ctx.session, org_id, LIST_LIMIT)
    if not found:
        return "暂无报送任务。"
    lines = ["📮 报送任务（最新在前）："]
    for task in found:
        states = await collect.progress(ctx.session, task, ctx.now)
        if own is not None:
            mine = next(s for s in states if s.unit.org_name == own)
            status = "已报" if mine.entry is not None else "未报"
        else:
            status = f"已报 {sum(s.entry is not None for s in states)}/{len(states)}"
        lines.append(f"#{task.id} {task.title}｜{cards.due_line(task)}｜{status}")
    return "\n".join(lines)


@router.command(
    "submission progress",
    aliases=("报送 进度", "报送进度"),
    roles=ANY_BOUND,
    help="报送进度：哪些单位已报、未报；联络员只看本单位",
)
async def show_progress(
    ctx: HandlerContext, *, task_id: Annotated[int, Arg("编号", low=1)]
) -> str:
    """Who has and has not sent; a liaison sees its own unit's line only."""
    task, _ = await find_task(ctx, task_id)
    states = await collect.progress(ctx.session, task, ctx.now)
    if (own := SCOPE.units(ctx.me)) is not None:
        states = [s for s in states if s.unit.org_name == own]
    return cards.progress(task, states, ctx.tz)


@router.command(
    "submission view",
    aliases=("报送 查看", "查看报送"),
    roles=ANY_BOUND,
    help="查看某单位报送的内容及修改记录：报送 查看 编号 [单位]",
)
async def view(
    ctx: HandlerContext,
    *,
    task_id: Annotated[int, Arg("编号", low=1)],
    unit: Annotated[str, Arg("单位")] = "",
) -> str:
    """One unit's latest submission and when it was revised."""
    task, units = await find_task(ctx, task_id)
    name = SCOPE.listing(ctx.me, unit or None) or unit
    chosen = next((u for u in units if u.org_name == name), None)
    if chosen is None:
        raise UserError(f"请写明单位：{'、'.join(u.org_name for u in units)}")
    entries = await sub.history(ctx.session, task.id, chosen.org_id)
    if not entries:
        return f"{chosen.org_name} 尚未报送 {task.label}。"
    last = entries[-1]
    body = last.text or "\n".join(" ".join(r) for r in last.rows)
    times = "、".join(ctx.tz.fmt(e.created_at) for e in entries)
    head = f"📄 {chosen.org_name}｜{task.label}"
    return f"{head}\n{body}\n—— 报送 {len(entries)} 次：{times}（以最后一次为准）"


@router.command(
    "submission merge",
    aliases=("报送 汇总", "汇总报送"),
    roles=READERS,
    help="汇总报送内容（Word 或值班表 Excel）并列出迟报、未报单位",
)
async def merge_task(ctx: HandlerContext, *, task_id: Annotated[int, Arg("编号", low=1)]) -> Reply:
    """The merged document (or roster table) and who is late."""
    task = await sub.get(ctx.session, task_id)
    states = await collect.progress(ctx.session, task, ctx.now)
    ctx.audit_detail.update(task=task.id, sent=sum(s.entry is not None for s in states))
    allowed = SUBMISSIONS.of(ctx.config).unmasked_roles
    unmasked = unmasked_for(ctx.msg.chat_kind, ctx.me.roles, allowed)
    return cards.merged(
        task, states, ctx.tz, issuer=ctx.me.org, today=ctx.today, unmasked=unmasked
    )


@router.command(
    "submission chase",
    aliases=("催报",),
    roles=ORGANISERS,
    help="立即向未报送的单位催报：催报 编号",
)
async def chase_now(ctx: HandlerContext, *, task_id: Annotated[int, Arg("编号", low=1)]) -> str:
    """催报 now, to the units that have not sent."""
    task = await sub.get(ctx.session, task_id)
    states = await collect.progress(ctx.session, task, ctx.now)
    waiting = [s.unit for s in states if s.entry is None]
    if not waiting:
        return f"{task.label} 各单位均已报送，无需催报。"
    for unit in waiting:
        unit.chased += 1
    step = f"now{ctx.msg.message_id}"
    unreached = await cards.announce(
        ctx, task, waiting, step, lambda u: cards.chase(task, "now", u)
    )
    text = f"已向 {len(waiting)} 个单位催报：{'、'.join(u.org_name for u in waiting)}"
    return text + "".join(f"\n⚠️ {n} 没有已绑定的联络员，请电话催报" for n in unreached)

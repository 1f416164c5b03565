"""Incidents in chat: /incident new|phone|report|followup|final|list (突发 新建/电话/上报/续报/
终报/列表) with report deadlines by level from config counted from 接报, and /plan NAME (预案)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated

from sqlalchemy import select

from bot.core.args import Arg
from bot.core.clock import LocalTime
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.roles import ANY_BOUND, Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from models.duty import incident as duty_incident
from models.duty.incident import Incident
from models.duty.log import read_time
from models.duty.settings import DUTY, DutyConfig
from models.duty.triage import SEVERITIES

router = Router("duty-incident", UNSCOPED)
STAFF = (Role.OFFICER, Role.LEADER, Role.ADMIN)
_RECEIVED = re.compile(r"(?:接报|时间)\s*[=＝]\s*(\S+)")
_NAMES = {"phone": "电话报告", "written": "书面报告"}


def deadline_text(tz: LocalTime, duty: DutyConfig, incident: Incident) -> str:
    """``接报 09:00；时限：电话报告 09:30，书面报告 10:00（依据：…）``, every initial report."""
    due = duty_incident.deadlines(duty, incident)
    parts = [
        f"{_NAMES[stage]} {tz.fmt(at)}" + ("（已报）" if incident.done(stage) else "")
        for stage, at in due.items()
    ]
    source = duty_incident.limit_for(duty, incident.level).source
    received = f"接报 {tz.fmt(incident.received_at)}；"
    return received + "时限：" + "，".join(parts) + f"（依据：{source}）"


def _deadlines(ctx: HandlerContext, incident: Incident) -> str:
    return deadline_text(ctx.tz, DUTY.of(ctx.config), incident)


@router.command(
    "incident new",
    aliases=("突发 新建",),
    roles=STAFF,
    help="新建突发事件，自接报起计时：突发 新建 较大 森林火灾 城关镇后山起火 [接报=9:30]",
)
async def new_incident(
    ctx: HandlerContext,
    *,
    level: Annotated[str, Arg("级别")],
    category: Annotated[str, Arg("类别")],
    summary: Annotated[str, Arg("概况", rest=True)],
) -> str:
    """Open an incident with the deadlines of its level, from 接报 when given."""
    if level not in SEVERITIES:
        raise UserError(f"级别应为 {'/'.join(SEVERITIES)}")
    received = None
    found = _RECEIVED.search(summary)
    if found:
        try:
            received = read_time(found.group(1), ctx.now, ctx.tz)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        summary = (summary[: found.start()] + summary[found.end() :]).strip()
    incident = await duty_incident.open_incident(
        ctx.session,
        ctx.now,
        DUTY.of(ctx.config),
        category=category,
        level=level,
        summary=summary,
        by_user_id=ctx.me.id,
        reported_at=received,
    )
    ctx.audit_detail["incident"] = incident.id
    return (
        f"已立突发事件 #{incident.id}【{level}·{category}】{summary}\n{_deadlines(ctx, incident)}"
    )


async def _report(ctx: HandlerContext, kind: str, incident_id: int, text: str) -> str:
    incident = await ctx.session.get(Incident, incident_id)
    if incident is None:
        raise UserError(f"没有编号为 {incident_id} 的突发事件，发送 /incident list 查看。")
    duty = DUTY.of(ctx.config)
    report = await duty_incident.add_report(
        ctx.session, ctx.now, duty, incident, kind, text, ctx.me.id, ctx.tz.tz
    )
    ctx.audit_detail.update(incident=incident.id, report=report.title)
    late = ""
    stage = {"电话": "phone", "初报": "written"}.get(kind)
    due = duty_incident.deadlines(duty, incident).get(stage or "")
    if due is not None and ctx.now > due:
        late = f"（超过时限 {ctx.tz.fmt(due)}）"
    nxt = ""
    if kind == "电话":
        nxt = f"书面初报时限 {ctx.tz.fmt(duty_incident.deadlines(duty, incident)['written'])}。"
    elif kind != "终报":
        at = duty_incident.next_followup(duty, incident.level, ctx.now, ctx.tz.tz)
        nxt = f"下次续报请于 {ctx.tz.fmt(at)} 前。" if at else ""
    return f"已记录事件 #{incident.id} {report.title}{late}（{ctx.tz.fmt(ctx.now)}）。{nxt}"


def _reporter(kind: str) -> Callable[..., Awaitable[str]]:
    async def record(
        ctx: HandlerContext,
        *,
        incident_id: Annotated[int, Arg("编号")],
        text: Annotated[str, Arg("内容", rest=True)] = "",
    ) -> str:
        return await _report(ctx, kind, incident_id, text)

    record.__doc__ = f"The {kind} went out."
    return record


for _name, _alias, _kind, _help in (
    ("incident phone", "突发 电话", "电话", "记录电话报告（停止电话报告计时）"),
    ("incident report", "突发 上报", "初报", "记录书面初报（停止初报计时）"),
    ("incident followup", "突发 续报", "续报", "记录续报（自动编号）"),
    ("incident final", "突发 终报", "终报", "记录终报并结束事件"),
):
    router.command(_name, aliases=(_alias,), roles=STAFF, help=_help)(_reporter(_kind))


@router.command("incident list", aliases=("突发 列表",), roles=STAFF, help="未终报的突发事件")
async def list_incidents(ctx: HandlerContext) -> str:
    """Open incidents with their reports so far."""
    query = select(Incident).where(Incident.closed_at.is_(None)).order_by(Incident.id)
    found = list(await ctx.session.scalars(query))
    if not found:
        return "没有未终报的突发事件。"
    lines = []
    for item in found:
        done = "、".join(r.title for r in item.reports) or "未初报"
        lines.append(
            f"#{item.id}【{item.level}·{item.category}】{item.summary}（{done}）\n"
            f"  {_deadlines(ctx, item)}"
        )
    return "未终报的突发事件：\n" + "\n".join(lines)


@router.command(
    "plan", aliases=("预案",), roles=ANY_BOUND, help="查看应急预案要点，例如：预案 防汛"
)
async def show_plan(ctx: HandlerContext, *, name: Annotated[str, Arg("预案名")]) -> str:
    """Triggers, checklist and contacts of a configured plan."""
    plans = DUTY.of(ctx.config).plans
    key = next((k for k, p in plans.items() if name == k or name in p.aliases), None)
    if key is None:
        raise UserError(f"没有预案「{name}」，可选：{'、'.join(plans) or '（未配置）'}")
    plan = plans[key]
    parts = [f"【{key}应急预案】", "启动条件："]
    parts += [f"  · {t}" for t in plan.triggers]
    parts.append("处置要点：")
    parts += [f"  {i}. {c}" for i, c in enumerate(plan.checklist, 1)]
    parts.append("联系单位：" + "、".join(plan.contacts))
    return "\n".join(parts)

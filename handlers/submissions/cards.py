"""信息报送 in words: the notice a unit's liaison gets, 催报, the organiser's late list, progress
and the merged text — for the chat commands and the 催报 job alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import official_doc
from bot.core.clock import LocalTime
from bot.core.context import WorkContext
from bot.core.messages import Attachment, Button, Reply
from bot.core.roles import Role
from handlers import notify
from models.deadlines.compute import weekday
from models.directory import units as org_units
from models.directory.users import users_with_role
from models.submissions import merge
from models.submissions.collect import UnitState
from models.submissions.merge import Merged
from models.submissions.records import Kind, Task, TaskUnit
from models.submissions.roster import COLUMNS

KIND = "submission_notice"
NO_FILES = (
    "（目前各聊天平台的文件消息尚未接入机器人，不能直接发送 Excel；请按行发送，"
    "或将 .xlsx/.csv 交县值班室导入。）"
)


def due_line(task: Task) -> str:
    """``截止：2026-11-30（星期一）24:00 前``."""
    return f"截止：{task.due_day.isoformat()}（{weekday(task.due_day)}）24:00 前"


def how_to(task: Task) -> str:
    """The command that answers the task, with the form for a roster."""
    if task.kind_enum is Kind.ROSTER:
        return (
            f"报送：/submit {task.id} 后换行，每行一班：{'、'.join(COLUMNS)}，"
            f"例如\n/submit {task.id}\n{task.holiday_first} 白班 李明 张三、王五 13800000001\n"
            + NO_FILES
        )
    return (
        f"报送：/submit {task.id} 内容（或：报送 提交 {task.id} 内容）；截止前可重新报送以更正。"
    )


def notice(task: Task) -> Reply:
    """What each unit's liaison gets when the task opens."""
    lines = [f"📮 【{task.kind_enum.label}】{task.title}（编号 {task.id}）"]
    if task.ask:
        lines.append(f"要求：{task.ask}")
    lines += [due_line(task), how_to(task)]
    return Reply(
        "\n".join(lines), buttons=((Button("查看进度", f"/submission_progress {task.id}"),),)
    )


def chase(task: Task, step: str, unit: TaskUnit) -> Reply:
    """催报 to one unit: ahead of the deadline, or the n-th time after it."""
    if step == "soon":
        head = f"⏰ 催报：{task.label} 即将截止，{unit.org_name} 尚未报送"
    elif step == "now":
        head = f"📣 催报：{task.label}，{unit.org_name} 尚未报送"
    else:
        n = step.removeprefix("over")
        head = f"🔴 催报（逾期第 {n} 次）：{task.label}，{unit.org_name} 尚未报送"
    return Reply("\n".join([head, due_line(task), how_to(task)]))


def late_notice(task: Task, missing: list[str]) -> Reply:
    """The organiser's message after the last 催报: who still has not sent."""
    return Reply(
        f"📋 {task.label} 已逾期并催报完毕，仍未报送：{'、'.join(missing)}。\n"
        f"请电话督促；汇总已报内容：/submission_merge {task.id}"
    )


def progress(task: Task, states: list[UnitState], tz: LocalTime) -> str:
    """Who has and has not sent, in the order named."""
    done = [s for s in states if s.entry is not None]
    lines = [f"📊 {task.label}", due_line(task), f"已报 {len(done)}/{len(states)}："]
    for s in states:
        if s.entry is None:
            mark = "❌ 未报" + ("（已逾期）" if s.late else "")
        else:
            mark = f"✅ {tz.fmt(s.unit.last_at)} 报送" + ("（迟报）" if s.late else "")
        lines.append(f"· {s.unit.org_name}：{mark}")
    return "\n".join(lines)


def merged(
    task: Task,
    states: list[UnitState],
    tz: LocalTime,
    *,
    issuer: str,
    today: date,
    unmasked: bool,
) -> Reply:
    """The merged result: the texts in chat with the Word file, or a roster's table in chat with
    the .xlsx (phones whole only for ``unmasked``); the late and missing units named."""
    found = merge.merged(task, states)
    if task.kind_enum is not Kind.ROSTER:
        doc = merge.document(found, issuer, today)
        file = Attachment(
            f"{task.title}.docx", merge.DOCX_TYPE, render=partial(official_doc.render, doc)
        )
        return Reply(markdown(found, tz), attachment=file)
    rows = merge.table(states, unmasked=unmasked)
    text = "\n".join(" ".join(r) for r in rows)
    missing = f"\n未报送：{'、'.join(found.missing)}" if found.missing else ""
    late = f"\n逾期未报或迟报：{'、'.join(found.late)}" if found.late else ""
    file = Attachment(
        f"{task.title}.xlsx", merge.XLSX_TYPE, render=partial(merge.render_xlsx, rows)
    )
    return Reply(f"📋 {task.label}\n{text}{missing}{late}", attachment=file)


def markdown(found: Merged, tz: LocalTime) -> str:
    """The merged text for chat: one heading per unit, in order, then the late list."""
    lines = [f"# {found.task.title}（汇总）"]
    for n, s in enumerate(found.sent, start=1):
        entry = s.entry
        assert entry is not None
        lines.append(f"\n## {n}. {s.unit.org_name}（{tz.fmt(entry.created_at)}）")
        lines.append(entry.text or f"值班安排 {len(entry.rows)} 条")
    if found.missing:
        lines.append(f"\n未报送：{'、'.join(found.missing)}")
    if found.late:
        lines.append(f"逾期未报或迟报：{'、'.join(found.late)}")
    return "\n".join(lines)


async def organisers(session: AsyncSession, task: Task) -> list[int]:
    """Who organises ``task``: its creator, or the duty room (officers) for one the job opened."""
    if task.created_by is not None:
        return [task.created_by]
    return [u.id for u in await users_with_role(session, Role.OFFICER)]


async def tell_organisers(ctx: WorkContext, task: Task, reply: Reply, *, step: str) -> None:
    """Queue ``reply`` to the task's organisers (once per ``step``)."""
    people = await organisers(ctx.session, task)
    await notify.tell(ctx, people, reply, key=f"submission:{task.id}:{step}", kind=KIND)


async def announce(
    ctx: WorkContext,
    task: Task,
    units: list[TaskUnit],
    step: str,
    write: Callable[[TaskUnit], Reply],
) -> list[str]:
    """Send each unit's liaisons what ``write`` says for that unit (keyed by ``step``, so a
    repeated run sends nothing twice); the names of units none of whom could be reached."""
    unreached = []
    for unit in units:
        reply = write(unit)
        people = await org_units.unit_people(ctx.session, unit.org_id, Role.LIAISON)
        key = f"submission:{task.id}:{step}:{unit.org_id}"
        if not people or not await notify.tell(
            ctx, [p.id for p in people], reply, key=key, kind=KIND
        ):
            unreached.append(unit.org_name)
    return unreached


def unreached(task: Task, names: list[str]) -> Reply:
    """The organiser's note that some units' 催报 reached nobody."""
    return Reply(
        f"⚠️ {task.label}：{'、'.join(names)} 没有已绑定的联络员，催报未能送达，请电话催报。"
    )


def opened(task: Task, units: list[TaskUnit], unreached: list[str]) -> Reply:
    """What the organiser is told when a task opens (by command or by the job)."""
    lines = [
        f"✅ 已发起 {task.label}",
        f"报送单位（{len(units)}）：{'、'.join(u.org_name for u in units)}",
        due_line(task),
        f"截止前和逾期后会自动催报；进度：/submission_progress {task.id}",
    ]
    lines += [f"⚠️ {name} 没有已绑定的联络员，通知未能送达，请线下通知" for name in unreached]
    return Reply("\n".join(lines))

"""信息报送 in chat, the liaison's side: /submit with text, a roster's lines or its file, or a
bare /submit that asks for the content in the next message (models/submissions SCOPE)."""

from __future__ import annotations

from typing import Annotated

from bot.core import dialogs
from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.roles import Role
from bot.core.routing import Router
from handlers.submissions import cards
from handlers.submissions.commands import find_task
from models.directory import units as org_units
from models.submissions import SCOPE, collect, roster
from models.submissions import records as sub
from models.submissions.settings import SUBMISSIONS

router = Router("submissions-submit", SCOPE)
DIALOG = "submission"


@router.command(
    "submit",
    aliases=("报送 提交", "提交报送"),
    roles=[Role.LIAISON],
    help="报送本单位内容：/submit 编号 内容；只发编号则逐条引导（截止前可重报更正）",
    personal=True,  # a roster names people and their phones: the audit keeps the outcome only
)
async def submit(
    ctx: HandlerContext,
    *,
    task_id: Annotated[int, Arg("编号", low=1)],
    text: Annotated[str, Arg("内容", rest=True)] = "",
) -> str:
    """Keep the caller's unit's submission (a roster may come as the .xlsx/.csv file this is the
    caption of); without content, ask for it in the next message."""
    task, _ = await find_task(ctx, task_id)
    if ctx.msg.file is not None:
        return await _submit_file(ctx, task)
    if not text:
        minutes = SUBMISSIONS.of(ctx.config).dialog_minutes
        await dialogs.start(ctx, DIALOG, {"task": task.id}, minutes)
        form = (
            f"\n{cards.how_to(task)}\n也可以直接发送值班表 .xlsx 或 .csv 文件。"
            if task.kind_enum is sub.Kind.ROSTER
            else ""
        )
        return f"请发送{ctx.me.org}对 {task.label} 的报送内容（可多行）；发送「取消」放弃。{form}"
    return await _submit(ctx, task, text)


@router.dialog(DIALOG)
async def submit_answer(ctx: HandlerContext, conv: dialogs.Conversation, text: str) -> str | None:
    """The content asked for by a bare ``/submit 编号``; a bad roster line leaves it open."""
    if conv.cancelled:
        return None
    task, _ = await find_task(ctx, int(conv.state["task"]))
    reply = await (_submit_file(ctx, task) if ctx.msg.file else _submit(ctx, task, text))
    conv.finish()
    return reply


async def _submit(ctx: HandlerContext, task: sub.Task, text: str) -> str:
    cfg = SUBMISSIONS.of(ctx.config)
    if len(text) > cfg.max_text_chars:
        raise UserError(f"内容共 {len(text)} 字，超过 {cfg.max_text_chars} 字上限，请精简或分条。")
    rows = None
    if task.kind_enum is sub.Kind.ROSTER:
        assert task.holiday_first and task.holiday_last
        rows = roster.parse_lines(text, (task.holiday_first, task.holiday_last), ctx.today)
        text = ""
    return await _keep(ctx, task, text, rows)


async def _submit_file(ctx: HandlerContext, task: sub.Task) -> str:
    """A roster sent as a file in chat: read and checked as the CLI import reads it."""
    file = ctx.msg.file
    assert file is not None
    if task.kind_enum is not sub.Kind.ROSTER or not (task.holiday_first and task.holiday_last):
        raise UserError(f"{task.label} 请直接发送文字内容；文件只用于值班表报备。")
    span = (task.holiday_first, task.holiday_last)
    cfg = SUBMISSIONS.of(ctx.config)
    rows = roster.read_data(file.data, file.name, cfg, span, ctx.today)
    ctx.audit_detail.update(file_bytes=file.size)
    return await _keep(ctx, task, "", rows)


async def _keep(
    ctx: HandlerContext, task: sub.Task, text: str, rows: list[list[str]] | None
) -> str:
    unit = await org_units.find_org(ctx.session, ctx.me.org)
    taken = await collect.submit(ctx.session, ctx.now, task, unit, ctx.me.id, text=text, rows=rows)
    ctx.audit_detail.update(task=task.id, entry=taken.entry.id, late=taken.late)
    what = f"值班安排 {len(rows)} 条" if rows else f"{len(text)} 字"
    verb = "已更新" if taken.revision > 1 else "已报送"
    note = (
        "（已过截止时间，记为迟报）" if taken.late else "；截止前可再次报送以更正，以最后一次为准"
    )
    return f"✅ {ctx.me.org} {verb} {task.label}：{what}{note}"

"""督办 handling: 签收, 进展, 申请办结 by the unit's liaison; 销号, 退回重办 by the supervisor."""

from __future__ import annotations

from typing import Annotated

from bot.core import dialogs
from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.messages import Button, Reply
from bot.core.roles import Role
from bot.core.routing import Router
from handlers import notify
from handlers.supervision.commands import first_feedback
from models.deadlines.settings import SUPERVISION
from models.directory import units as org_units
from models.supervision import SCOPE as SUPERVISION_SCOPE
from models.supervision import files as kept_files
from models.supervision import records as supervision
from models.supervision.plan import replan
from models.supervision.records import SupervisionItem

router = Router("supervision-flow", SUPERVISION_SCOPE)
PROGRESS_DIALOG = "supervision-progress"


def _own(ctx: HandlerContext, item: SupervisionItem, *, co_ok: bool = False) -> None:
    units = [item.lead_org.name, *(item.co_orgs if co_ok else [])]
    org_units.require_unit(ctx.me, units, item.label)


async def _tell(
    ctx: HandlerContext,
    item: SupervisionItem,
    user_ids: list[int],
    text: str,
    buttons: tuple[Button, ...] = (),
) -> None:
    key = f"task:{item.id}:{len(item.events)}"
    await notify.tell(
        ctx,
        user_ids,
        Reply(text, buttons=(buttons,) if buttons else ()),
        key=key,
        kind="supervision",
        fallback=[item.created_by],
    )


async def _liaisons(ctx: HandlerContext, item: SupervisionItem) -> list[int]:
    people = await org_units.unit_people(ctx.session, item.lead_org_id, Role.LIAISON)
    return [p.id for p in people]


@router.command("task sign", aliases=("督办 签收",), roles=[Role.LIAISON], help="签收督办事项")
async def task_sign(ctx: HandlerContext, *, item_id: Annotated[int, Arg("编号")]) -> str:
    """The lead unit's liaison signs for the item; the feedback cadence starts."""
    item = await supervision.get(ctx.session, item_id)
    _own(ctx, item)
    supervision.step(item, "签收", ctx.me.id, ctx.now)
    item.signed_at = ctx.now
    first_feedback(ctx, item)
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    return (
        f"✅ 已签收 {item.label}，期限 {item.due_date.isoformat()} 24:00 前。\n"
        f"请于 {item.next_feedback_date} 前报进展：/task_progress {item.id} 内容"
    )


@router.command(
    "task progress",
    aliases=("督办 进展",),
    roles=[Role.LIAISON],
    help="报送督办进展：督办 进展 编号 内容（可附现场照片；只发编号则等您发来文字或照片）",
)
async def task_progress(
    ctx: HandlerContext,
    *,
    item_id: Annotated[int, Arg("编号")],
    text: Annotated[str, Arg("进展", rest=True)] = "",
) -> str:
    """Record progress (a photo or file sent with it is kept with this step of the history);
    the next feedback falls due one cadence from today. Without text or file, ask for them:
    on WeCom and DingTalk a picture comes without a caption."""
    item = await supervision.get(ctx.session, item_id)
    _own(ctx, item, co_ok=True)
    if not text and ctx.msg.file is None:
        minutes = SUPERVISION.of(ctx.config).dialog_minutes
        await dialogs.start(ctx, PROGRESS_DIALOG, {"item": item.id}, minutes)
        return f"请发送 {item.label} 的进展（文字，或一张现场照片）；发送「取消」放弃。"
    return await _progress(ctx, item, text)


@router.dialog(PROGRESS_DIALOG)
async def progress_answer(
    ctx: HandlerContext, conv: dialogs.Conversation, text: str
) -> str | None:
    """The progress (or photo) asked for by a bare ``督办 进展 编号``."""
    if conv.cancelled:
        return None
    item = await supervision.get(ctx.session, int(conv.state["item"]))
    _own(ctx, item, co_ok=True)
    reply = await _progress(ctx, item, text)
    conv.finish()
    return reply


async def _progress(ctx: HandlerContext, item: SupervisionItem, text: str) -> str:
    if not text and ctx.msg.file is not None:
        text = f"（附件：{ctx.msg.file.name}）"
    supervision.step(item, "进展", ctx.me.id, ctx.now, text)
    item.last_progress = text
    first_feedback(ctx, item)
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    kept = ""
    if ctx.msg.file is not None:
        await ctx.session.flush()  # the step's id, for the file to name
        event_id = item.events[-1].id
        file = await kept_files.keep(
            ctx.session, item.id, event_id, ctx.msg.file, ctx.me.id, ctx.now
        )
        ctx.audit_detail.update(file=file.id, bytes=file.size)
        kept = f"，附件「{file.name}」已存档"
    return (
        f"✅ 已记录 {item.label} 的进展{kept}。"
        f"下次反馈：{item.next_feedback_date} 前（{item.cadence}）"
    )


@router.command(
    "task done",
    aliases=("督办 办结", "督办 申请办结"),
    roles=[Role.LIAISON],
    help="办理完毕，申请办结（交督查员审核）",
)
async def task_done(
    ctx: HandlerContext,
    *,
    item_id: Annotated[int, Arg("编号")],
    result: Annotated[str, Arg("办理结果", rest=True)],
) -> str:
    """Ask for closure; pushes stop while the supervisor reviews."""
    item = await supervision.get(ctx.session, item_id)
    _own(ctx, item)
    supervision.step(item, "申请办结", ctx.me.id, ctx.now, result)
    item.last_progress = result
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    await _tell(
        ctx,
        item,
        [item.created_by],
        f"📋 {item.label} 申请办结（{item.lead_org.name} {ctx.me.name}）\n办理结果：{result}\n"
        f"审核通过：/task_close {item.id}；退回重办：/task_reject {item.id} 理由",
        (Button("销号", f"/task_close {item.id}"), Button("详情", f"/task {item.id}")),
    )
    return f"✅ 已提交 {item.label} 的办结申请，等待督查员审核。"


@router.command(
    "task close", aliases=("督办 销号",), roles=[Role.SUPERVISOR], help="审核通过，办结销号"
)
async def task_close(
    ctx: HandlerContext,
    *,
    item_id: Annotated[int, Arg("编号")],
    note: Annotated[str, Arg("审核意见", rest=True)] = "",
) -> str:
    """Close the item after review; every pending push is cancelled."""
    item = await supervision.get(ctx.session, item_id)
    supervision.step(item, "销号", ctx.me.id, ctx.now, note)
    item.closed_at = ctx.now
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    on_time = "按期" if ctx.today <= item.due_date else "逾期"
    await _tell(
        ctx,
        item,
        await _liaisons(ctx, item),
        f"✅ {item.label} 已审核通过，办结销号（{on_time}）。",
    )
    return f"✅ {item.label} 已办结销号（{on_time}办结）。"


@router.command(
    "task reject", aliases=("督办 退回",), roles=[Role.SUPERVISOR], help="审核不通过，退回重办"
)
async def task_reject(
    ctx: HandlerContext,
    *,
    item_id: Annotated[int, Arg("编号")],
    reason: Annotated[str, Arg("退回理由", rest=True)],
) -> str:
    """Send the item back; its pushes resume (an overdue item escalates at once)."""
    item = await supervision.get(ctx.session, item_id)
    supervision.step(item, "退回", ctx.me.id, ctx.now, reason)
    first_feedback(ctx, item)
    await replan(ctx.session, ctx.now, item, ctx.config, ctx.tz.tz)
    await _tell(
        ctx,
        item,
        await _liaisons(ctx, item),
        f"↩️ {item.label} 被退回重办\n理由：{reason}\n"
        f"期限：{item.due_date.isoformat()} 24:00 前；办完再申请：/task_done {item.id} 办理结果",
    )
    return f"已退回 {item.label}，已通知 {item.lead_org.name}。"

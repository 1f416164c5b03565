"""传阅/呈阅: leaders read in the given order, each with 已阅 / 批示 buttons; the registrar sees
every step; a 批示 becomes a 督办 item in one command (the 督办 feature's own 立项)."""

from __future__ import annotations

from typing import Annotated

from bot.core import dialogs
from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import Reply
from bot.core.roles import Role
from bot.core.routing import Router
from handlers import notify
from handlers.documents import cards
from handlers.supervision.args import NewTask
from handlers.supervision.commands import create_item
from models.directory import units as org_units
from models.directory.users import find_user
from models.documents import SCOPE, flow
from models.documents import records as documents
from models.documents.records import Document, DocumentReader, Status
from models.documents.settings import DOCUMENTS

router = Router("documents-circulate", SCOPE)
DIALOG = "doc-instruct"


async def _hand_on(ctx: HandlerContext, doc: Document, reader: DocumentReader) -> None:
    """Send the 呈阅 card to ``reader`` (their turn has come)."""
    await notify.tell(
        ctx,
        [reader.user_id],
        cards.reading_card(doc, ctx.tz),
        key=f"doc:{doc.id}:read:{reader.seq}",
        kind="documents",
        fallback=[doc.created_by],
    )


@router.command(
    "doc circulate",
    aliases=("公文 传阅", "收文 传阅", "公文 呈阅", "呈阅"),
    roles=[Role.OFFICER],
    help="呈阅领导（按顺序逐一传阅）：公文 传阅 3 李明 王刚",
)
async def doc_circulate(
    ctx: HandlerContext,
    *,
    doc_id: Annotated[int, Arg("公文编号")],
    names: Annotated[list[str], Arg("领导（按顺序）")],
) -> str:
    """Set the order and send the document to the first leader."""
    doc = await documents.get(ctx.session, doc_id)
    SCOPE.check(ctx.me, doc.owners, doc.short)
    leaders = [await find_user(ctx.session, name) for name in names]
    first = flow.circulate(doc, leaders, ctx.now, ctx.me.id)
    await ctx.session.flush()
    await _hand_on(ctx, doc, first)
    order = " → ".join(u.name for u in leaders)
    return f"✅ {doc.label} 已呈 {first.user.name} 阅（顺序：{order}），每位阅毕会告诉您。"


async def _done(ctx: HandlerContext, doc: Document, instruction: str) -> str:
    """The caller has read (or instructed): pass it on and tell the registrar."""
    reader, following = flow.finish_reading(doc, ctx.me.id, ctx.now, instruction)
    await ctx.session.flush()
    if following is not None:
        await _hand_on(ctx, doc, following)
    await notify.tell(
        ctx,
        [doc.created_by],
        Reply(cards.progress(doc, reader, following)),
        key=f"doc:{doc.id}:progress:{reader.seq}",
        kind="documents",
    )
    if following is None and doc.org is not None and doc.status != Status.REPLIED:
        people = [u.id for u in await org_units.unit_people(ctx.session, doc.org.id, Role.LIAISON)]
        card = cards.assign_card(doc, "📌 公文传阅完毕，请按领导批示办理")
        await notify.tell(
            ctx, people, card, key=f"doc:{doc.id}:after:{reader.seq}", kind="documents"
        )
    ctx.audit_detail["doc"] = doc.id
    passed = f"，已转 {following.user.name}" if following else "，传阅完毕"
    return f"✅ {doc.label} {reader.action}{passed}。"


@router.command(
    "doc read",
    aliases=("公文 已阅", "已阅"),
    roles=[Role.LEADER],
    help="阅毕（呈阅卡片上的「已阅」按钮）：公文 已阅 3",
)
async def doc_read(ctx: HandlerContext, *, doc_id: Annotated[int, Arg("公文编号")]) -> str:
    """The leader whose turn it is has read it."""
    doc = await documents.get(ctx.session, doc_id)
    SCOPE.check(ctx.me, doc.owners, doc.short)
    return await _done(ctx, doc, "")


@router.command(
    "doc instruct",
    aliases=("公文 批示",),
    roles=[Role.LEADER],
    help="对呈阅公文批示（「批示」按钮）：公文 批示 3 [批示内容]，不写内容则回复输入",
)
async def doc_instruct(
    ctx: HandlerContext,
    *,
    doc_id: Annotated[int, Arg("公文编号")],
    text: Annotated[str, Arg("批示内容", rest=True)] = "",
) -> str:
    """Record the 批示 now, or ask for it in the next message."""
    doc = await documents.get(ctx.session, doc_id)
    SCOPE.check(ctx.me, doc.owners, doc.short)
    if text.strip():
        return await _done(ctx, doc, text.strip())
    flow.waiting_on(doc, ctx.me.id)  # refused now, not after the text, if it is not their turn
    await dialogs.start(ctx, DIALOG, {"doc": doc.id}, DOCUMENTS.of(ctx.config).dialog_minutes)
    return f"请回复对 {doc.label} 的批示内容（回复「取消」放弃）。"


@router.dialog(DIALOG)
async def instruction_text(
    ctx: HandlerContext, conv: dialogs.Conversation, text: str
) -> str | None:
    """The 批示 typed after pressing the button."""
    if conv.cancelled:
        return "已取消批示，公文仍在您的待阅中。"
    if not text:
        raise UserError("请回复批示内容，或回复「取消」。")
    doc = await documents.get(ctx.session, int(conv.state["doc"]))
    conv.finish()
    try:
        flow.waiting_on(doc, ctx.me.id)
    except UserError as exc:  # read with 已阅 meanwhile: the conversation ends here
        return f"{exc.message}批示未记录。"
    return await _done(ctx, doc, text[:1000])


@router.command(
    "doc supervise",
    aliases=("公文 督办", "公文 转督办"),
    roles=[Role.LEADER, Role.SUPERVISOR],
    help="批示转督办：公文 督办 3 [期限]（承办单位、批示领导取自公文；期限缺省为办理时限）",
)
async def doc_supervise(
    ctx: HandlerContext,
    *,
    doc_id: Annotated[int, Arg("公文编号")],
    due: Annotated[str, Arg("期限")] = "",
) -> Reply:
    """Turn the document's latest 批示 not yet supervised into a 督办 item."""
    doc = await documents.get(ctx.session, doc_id)
    SCOPE.check(ctx.me, doc.owners, doc.short)
    reader = next((r for r in reversed(doc.readers) if r.instruction and r.task_id is None), None)
    if reader is None:
        raise UserError(f"{doc.label} 没有待转督办的批示。领导批示：/doc_instruct {doc.id} 内容")
    if doc.org is None:
        raise UserError(
            f"{doc.label} 是阅件，没有承办单位，批示请用：/instruct 文号 单位 期限 内容"
        )
    limit = due or (doc.due_date.isoformat() if doc.due_date and doc.due_date >= ctx.today else "")
    if not limit:
        raise UserError(f"请写督办期限，例如：公文 督办 {doc.id} 10工作日")
    task = NewTask(
        title=f"{reader.user.name}批示：{doc.title}"[:200],
        unit=doc.org.name,
        due=limit,
        source="领导批示",
        leader=reader.user.name,
        content=reader.instruction,
    )
    item, reply = await create_item(ctx, task, origin=f"document:{doc.id}")
    reader.task_id = item.id
    documents.log(doc, "转督办", ctx.me.id, ctx.now, f"督办 #{item.id}")
    ctx.audit_detail["doc"] = doc.id
    return Reply(f"{reply.text}\n（来自 {doc.label}，{reader.user.name}批示）")

"""办文 commands besides 登记 and 传阅: 查看, 待阅/待办 (/docs), 答复, 归档 and the monthly
统计 with its workbook; ``/doc 登记 …`` (an English word, then the Chinese step) is passed on
to that step's command."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from bot.core.args import Arg, bind_args, parse_int
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.exports import XLSX_TYPE
from bot.core.messages import Attachment, Reply
from bot.core.roles import ANY_BOUND, Role
from bot.core.routing import Router
from handlers.documents import cards
from models.documents import SCOPE, flow, stats
from models.documents import records as documents

router = Router("documents", SCOPE)
LIST_LIMIT = 20  # lines per list in /docs: a chat message, not a register
READERS = (Role.OFFICER, Role.LEADER, Role.SUPERVISOR, Role.ADMIN, Role.VIEWER)


class _Refused(UserError):
    """A step passed on from ``/doc <步骤>`` that the caller may not use: the route's outcome."""

    def __init__(self, outcome: str, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome


async def _pass_on(ctx: HandlerContext, text: str) -> object:
    """Run ``公文 <text>`` as its own command would, with the same role checks."""
    found = ctx.table.match(f"公文 {text}")
    if found is None or found.route.name == "doc" or found.route.scope is not SCOPE:
        raise UserError(
            "请写公文编号或步骤，例如 /doc 3、/doc 登记 …、/doc 传阅 3 李明；发送 /help 公文"
        )
    refusal = found.route.refusal(ctx.user, ctx.msg.chat_kind)
    if refusal is not None:
        raise _Refused(*refusal)
    kwargs = bind_args(list(found.route.params), found.rest, ctx.today, found.route.usage)
    return await found.route.func(ctx, **kwargs)


@router.command(
    "doc",
    aliases=("公文", "办文", "公文 查看", "办文 查看"),
    roles=ANY_BOUND,
    # /doc 登记 … carries a registration: its words stay out of the audit log, as 收文 登记's do
    personal=True,
    help="查看公文：公文 3；也可 /doc 登记 …、/doc 传阅 …、/doc 答复 …、/doc 归档 …、/doc 统计 …",
)
async def doc_show(
    ctx: HandlerContext, *, ref: Annotated[str, Arg("编号", rest=True)] = ""
) -> object:
    """One document's record, a step typed after /doc, or (nothing typed) what waits on me."""
    if not ref.strip():
        return await docs_pending(ctx)
    head = ref.split(maxsplit=1)[0]
    if not head.isdigit():
        return await _pass_on(ctx, ref)
    try:
        doc = await documents.get(ctx.session, parse_int(head))
    except ValueError as exc:
        raise UserError(f"公文编号有误：{exc}") from None
    SCOPE.check(ctx.me, doc.owners, doc.short)
    ctx.audit_detail["doc"] = doc.id
    return cards.describe(doc, ctx.tz)


@router.command(
    "docs",
    aliases=("待办公文", "待阅公文", "公文 待办"),
    roles=ANY_BOUND,
    help="等我处理的公文：领导看待阅，联络员看本单位待办件，值班员看已登记未办结的",
)
async def docs_pending(ctx: HandlerContext) -> str:
    """What waits on the caller: leaders' 待阅, their unit's 办件, the registrar's to archive."""
    me, lines = ctx.me, []
    mine, total = await documents.awaiting(ctx.session, me.id, LIST_LIMIT)
    if mine:
        lines.append(f"📨 待您阅示（{total}）：")
        lines += [f"  {d.label} {d.urgency}：/doc {d.id}" for d in mine]
        lines += _more(total, mine)
    own = SCOPE.units(me)  # a liaison: their unit's 办件 only
    if own is not None or me.roles & {Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.VIEWER}:
        tasks, total = await documents.open_tasks(ctx.session, own, LIST_LIMIT)
        if tasks:
            lines.append(f"📌 未办结办件（{own or '全部单位'}，{total}）：")
            lines += [f"  {d.label} {d.owners[0]} {cards.due_line(d)}" for d in tasks]
            lines += _more(total, tasks)
    if Role.OFFICER in me.roles:
        left, total = await documents.to_archive(ctx.session, me.id, LIST_LIMIT)
        if left:
            lines.append(f"🗂 您登记、待归档（{total}）：")
            lines += [f"  {d.label} {d.status}：/doc_archive {d.id}" for d in left]
            lines += _more(total, left)
    return "\n".join(lines) if lines else "没有等您处理的公文。"


def _more(total: int, shown: list[documents.Document]) -> list[str]:
    """The line saying how many a capped list left out."""
    return [f"  …… 另有 {total - len(shown)} 件"] if total > len(shown) else []


@router.command(
    "doc reply",
    aliases=("公文 答复", "收文 答复"),
    roles=[Role.OFFICER, Role.LIAISON],
    help="办件答复（办结）：公文 答复 3 已按要求部署落实（联络员限本单位办件）",
)
async def doc_reply(
    ctx: HandlerContext,
    *,
    doc_id: Annotated[int, Arg("公文编号")],
    text: Annotated[str, Arg("办理结果", rest=True)],
) -> str:
    """Record the result; the 催办 stop."""
    doc = await documents.get(ctx.session, doc_id)
    SCOPE.check(ctx.me, doc.owners, doc.short)
    flow.answer(doc, text, ctx.now, ctx.me.id)
    await flow.replan(ctx.session, ctx.now, doc, ctx.config, ctx.tz.tz)
    ctx.audit_detail["doc"] = doc.id
    late = doc.due_date is not None and ctx.today > doc.due_date
    return (
        f"✅ {doc.label} 已答复"
        + ("（超期办结）" if late else "")
        + f"。归档：/doc_archive {doc.id}"
    )


@router.command(
    "doc archive",
    aliases=("公文 归档", "收文 归档"),
    roles=[Role.OFFICER],
    help="归档：公文 归档 3（办件须先答复）",
)
async def doc_archive(ctx: HandlerContext, *, doc_id: Annotated[int, Arg("公文编号")]) -> str:
    """Close the record."""
    doc = await documents.get(ctx.session, doc_id)
    SCOPE.check(ctx.me, doc.owners, doc.short)
    flow.archive(doc, ctx.now, ctx.me.id)
    await flow.replan(ctx.session, ctx.now, doc, ctx.config, ctx.tz.tz)
    ctx.audit_detail["doc"] = doc.id
    return f"🗂 {doc.label} 已归档。"


@router.command(
    "doc stats",
    aliases=("公文 统计", "办文 统计"),
    roles=READERS,
    help="办文月统计（附表格）：公文 统计 2026-11（缺省本月）",
)
async def doc_stats(ctx: HandlerContext, *, month: Annotated[str, Arg("月份")] = "") -> Reply:
    """Documents by kind, average 传阅 time per leader, overdue 办件 per unit, and the xlsx."""
    first = stats.parse_month(month, ctx.today)
    found = await stats.figures(ctx.session, first, ctx.tz.tz, ctx.today)
    render = partial(stats.workbook, found, ctx.tz.tz)
    name = f"办文统计_{found.month}.xlsx"
    return Reply(cards.month_text(found), attachment=Attachment(name, XLSX_TYPE, render=render))

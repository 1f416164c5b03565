"""督查通知单 in chat: /task notice N (督查通知单 N) numbers the notice of a 督办 item
(县政府办督〔2027〕3号, one sequence per year shared with the 《督查通报》), sends it as a Word
file to the lead unit's liaisons and to the supervisor, and notes it in the item's history."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from bot.core import official_doc
from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.messages import Attachment, Reply
from bot.core.roles import Role
from bot.core.routing import Router
from handlers import notify
from models.directory import units as org_units
from models.supervision import SCOPE as SUPERVISION_SCOPE
from models.supervision import documents
from models.supervision import records as supervision
from models.supervision.settings import SUPERVISION_DOCS

router = Router("supervision-notice", SUPERVISION_SCOPE)


@router.command(
    "task notice",
    aliases=("督查通知单", "督办 通知单"),
    roles=[Role.SUPERVISOR, Role.ADMIN],
    help="向承办单位发督查通知单（Word，带文号）：督查通知单 督办编号；再次发送沿用原文号",
)
async def task_notice(ctx: HandlerContext, *, item_id: Annotated[int, Arg("编号")]) -> Reply:
    """Number (once) and send the item's 督查通知单."""
    item = await supervision.get(ctx.session, item_id)
    SUPERVISION_SCOPE.check(ctx.me, [item.lead_org.name, *item.co_orgs], item.label)
    cfg = SUPERVISION_DOCS.of(ctx.config)
    found, first = await documents.numbered(
        ctx.session,
        ctx.now,
        ctx.today.year,
        cfg,
        kind=documents.NOTICE,
        ref=documents.notice_ref(item.id),
        item_id=item.id,
        by=ctx.me.id,
    )
    if first:
        supervision.log(item, "督查通知单", ctx.me.id, ctx.now, found.number)
    doc = documents.notice_doc(item, found.number, cfg, ctx.tz.local(found.issued_at).date())
    file = Attachment(
        f"督查通知单_{found.number}.docx",
        official_doc.MIME,
        render=partial(official_doc.render, doc),
        elsewhere=f"私聊机器人发送「督办 {item.id}」查看，或联系督查室索取",
    )
    text = (
        f"📄 督查通知单 {found.number}\n{item.label}\n承办：{item.lead_org.name}；"
        f"期限：{item.due_date.isoformat()}\n请签收：/task_sign {item.id}"
    )
    liaisons = [
        u.id for u in await org_units.unit_people(ctx.session, item.lead_org_id, Role.LIAISON)
    ]
    reached = await notify.tell(
        ctx,
        liaisons,
        Reply(text, attachment=file),
        key=f"task:{item.id}:notice:{found.id}:{ctx.msg.message_id}",
        kind="supervision",
    )
    ctx.audit_detail.update(item=item.id, number=found.number, reached=reached)
    where = (
        "已发送承办单位联络员" if reached else f"⚠ {item.lead_org.name} 无已绑定联络员，请线下送达"
    )
    again = "" if first else "（沿用原文号）"
    return Reply(f"督查通知单 {found.number}{again}，{where}。", attachment=file)

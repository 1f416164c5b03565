"""《督查通报》 as a Word file in chat: /report docx [周|月] (通报 公文) gives the period's 通报
with its 文号 (numbered once per period, from the sequence it shares with 督查通知单)."""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import Reply
from bot.core.roles import Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from models.reports.document import word_attachment
from models.reports.report import Period, build
from models.supervision.settings import SUPERVISION_DOCS

router = Router("reports-document", UNSCOPED)
_PERIODS: dict[str, Period] = {"week": "week", "周": "week", "month": "month", "月": "month"}


@router.command(
    "report docx",
    aliases=("通报 公文", "督查通报 公文"),
    roles=[Role.SUPERVISOR, Role.LEADER, Role.ADMIN],
    help="《督查通报》Word 公文（带文号）：通报 公文 [周|月]，默认上周",
)
async def report_docx(
    ctx: HandlerContext, *, period: Annotated[str | None, Arg("周|月")] = None
) -> Reply:
    """Last week's or month's 通报 as a numbered .docx."""
    kind = _PERIODS.get((period or "week").lower())
    if kind is None:
        raise UserError(f"无法识别「{period}」。用法：通报 公文 [周|月]，例如 通报 公文 月")
    found = await build(ctx.session, kind, ctx.now, ctx.tz.tz, ctx.config)
    cfg = SUPERVISION_DOCS.of(ctx.config)
    number, file = await word_attachment(
        ctx.session, ctx.now, found, kind, cfg, ctx.today, ctx.me.id
    )
    ctx.audit_detail.update(number=number)
    return Reply(f"📄 {found.title} {number}（Word 公文）", attachment=file)

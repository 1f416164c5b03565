"""督查通报 in chat: ``/report [周|月] [图表|表格]`` as text, a PNG chart or an xlsx workbook."""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import Reply
from bot.core.roles import Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from models.reports.export import FileFormat, attachment, caption
from models.reports.report import Period, as_text, build

router = Router("reports", UNSCOPED)

_PERIODS: dict[str, Period] = {"week": "week", "周": "week", "month": "month", "月": "month"}
_FORMATS: dict[str, FileFormat] = {
    "chart": "png",
    "png": "png",
    "图表": "png",
    "图": "png",
    "xlsx": "xlsx",
    "excel": "xlsx",
    "表格": "xlsx",
    "表": "xlsx",
}


def _report_options(words: list[str]) -> tuple[Period, FileFormat | None]:
    """Period and file format from ``周|月`` and ``图表|表格`` (English too), in any order."""
    period: Period | None = None
    fmt: FileFormat | None = None
    for word in words:
        key = word.lower()
        if key in _PERIODS and period is None:
            period = _PERIODS[key]
        elif key in _FORMATS and fmt is None:
            fmt = _FORMATS[key]
        else:
            raise UserError(
                f"无法识别「{word}」。用法：通报 [周|月] [图表|表格]，例如 通报 月 表格"
                "（Word 公文：通报 公文 [周|月]）"
            )
    return period or "week", fmt


@router.command(
    "report",
    aliases=("通报", "督查通报"),
    roles=[Role.SUPERVISOR, Role.LEADER, Role.ADMIN],
    help="督查通报：通报 [周|月] [图表|表格]（上周或上月到期事项的按期办结率、超期、红黄牌、"
    "建议提案；图表为 PNG 图片，表格为 xlsx 文件）",
)
async def report(
    ctx: HandlerContext, *, options: Annotated[list[str], Arg("周|月 图表|表格")]
) -> Reply | str:
    """The report for the last complete week or month, as text, a chart or a workbook."""
    kind, fmt = _report_options(options)
    found = await build(ctx.session, kind, ctx.now, ctx.tz.tz, ctx.config)
    if fmt is None:
        return as_text(found, ctx.today)
    ctx.audit_detail["format"] = fmt
    # Drawn after this transaction commits, off the event loop (bot.core.renders).
    return Reply(caption(found, fmt), attachment=attachment(found, kind, ctx.today, fmt))

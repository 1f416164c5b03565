"""The working-day calculator in chat: 工作日 加 5 2023-09-27 → 2023-10-10, with any warning."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.roles import ANY_BOUND
from bot.core.routing import Router
from models.calendar import WorkCalendar
from models.deadlines import workday_answer

router = Router("workday")


@router.command(
    "workday add",
    aliases=("工作日 加", "工作日"),
    roles=ANY_BOUND,
    help="计算某日之后第 N 个工作日（含调休），例如：工作日 加 5 2023-09-27",
)
async def workday_add(
    ctx: HandlerContext,
    *,
    count: Annotated[int, Arg("工作日数")],
    start: Annotated[date | None, Arg("起始日期")] = None,
) -> str:
    """Answer with the day, the holidays and 调休 in between, and any calendar warning."""
    return "\n".join(workday_answer(WorkCalendar(ctx.config.calendar), start or ctx.today, count))

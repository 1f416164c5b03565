"""`/report [week|month]` (督查通报): the 通报 in chat for supervisors and leaders."""

from __future__ import annotations

from typing import Annotated, Literal

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.roles import Role
from bot.core.routing import Router
from models.supervision_report import Period, as_text, build

router = Router("reports")


@router.command(
    "report",
    aliases=("通报", "督查通报"),
    roles=[Role.SUPERVISOR, Role.LEADER, Role.ADMIN],
    help="督查通报：通报 [周|月]（上周或上月到期事项的按期办结率、超期、红黄牌、建议提案）",
)
async def report(
    ctx: HandlerContext,
    *,
    period: Annotated[Literal["week", "month", "周", "本周", "月"], Arg("周|月")] = "week",
) -> str:
    """Build and return the report for the last complete week or month."""
    kind: Period = "month" if period in ("month", "月") else "week"
    found = await build(ctx.session, kind, ctx.today, ctx.tz.tz, ctx.config.proposals)
    return as_text(found, ctx.today)

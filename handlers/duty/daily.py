"""值班日报 on demand: /daily [日期] (值班日报) regenerates a day's report — its slots' log,
incidents, reports made and handovers — as text with the .docx, for the caller only."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import Reply
from bot.core.roles import Role
from bot.core.routing import Router
from bot.core.scope import UNSCOPED
from handlers.duty.bulletin_cards import daily_reply
from models.duty import daily as duty_daily
from models.duty.bulletin_settings import BULLETIN

router = Router("duty-daily", UNSCOPED)


@router.command(
    "daily",
    aliases=("值班日报",),
    roles=[Role.OFFICER, Role.LEADER, Role.ADMIN, Role.VIEWER],
    help="值班日报（含 Word 文件）：值班日报 [日期]，默认今天，例如 值班日报 11-25",
)
async def daily(ctx: HandlerContext, *, day: Annotated[date | None, Arg("日期")] = None) -> Reply:
    """The report of ``day`` (today by default), over the day's roster slots."""
    day = day or ctx.today
    if day > ctx.today:
        raise UserError(
            f"{day} 还没到，值班日报只能查看今天及以前，例如 值班日报 {ctx.today:%m-%d}"
        )
    report = await duty_daily.for_day(ctx.session, ctx.tz, day)
    cfg = BULLETIN.of(ctx.config)
    ctx.audit_detail["day"] = day.isoformat()
    return daily_reply(report, cfg.issuer, cfg.daily_masthead, ctx.tz)

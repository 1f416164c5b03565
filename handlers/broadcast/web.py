"""应急广播 on the web dashboard: the recent broadcasts, and each one's live acknowledgement
board — who has and who has not acknowledged — updating without reload as acks arrive in chat,
with the evidence workbook ``dutybot broadcast export`` writes."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import LocalTime
from bot.core.exports import XLSX_TYPE, workbook
from bot.core.roles import Role
from bot.web.pages import PageContext, Rendered, WebPages
from bot.web.sse import EventStream
from models.broadcast import records as bc
from models.broadcast.export import SHEET, evidence
from models.broadcast.state import DELIVERY_LABELS, counted, progress

pages = WebPages("broadcast", Path(__file__).with_name("templates"))
# Who follows a broadcast up, as chat's 广播 状态 admits.
FOLLOWERS = (Role.ADMIN, Role.LEADER, Role.OFFICER)
LIST_LIMIT = 20


@pages.page("/web/broadcasts", "应急广播", roles=FOLLOWERS)
async def broadcast_list(ctx: PageContext) -> Rendered:
    """The newest broadcasts with their state; each opens its board."""
    return ctx.render(
        "broadcast/list.html",
        broadcasts=await bc.recent(ctx.session, LIST_LIMIT),
        label_of=lambda b: bc.BroadcastStatus(b.status).label,
    )


def _number(ctx: PageContext) -> int:
    raw = ctx.request.match_info["broadcast_id"]
    return int(raw) if raw.isdigit() else 0


async def board(db: AsyncSession, broadcast: bc.Broadcast, tz: LocalTime) -> dict[str, Any]:
    """The board's figures, from the same :func:`progress` as chat's 回执 summary."""
    states = await progress(db, broadcast.id)
    removed = [s.recipient.display for s in states if s.removed]
    states = counted(states)
    acked = sorted(
        ((s.ack.acked_at, s) for s in states if s.ack is not None), key=lambda pair: pair[0]
    )
    return {
        "status": bc.BroadcastStatus(broadcast.status).label,
        "total": len(states),
        "delivered": sum(s.delivered for s in states),
        "acked": [
            {
                "who": s.recipient.display,
                "group": s.is_group,
                "at": tz.fmt(at, with_seconds=True),
                "platform": s.ack.platform if s.ack else "",
            }
            for at, s in acked
        ],
        "waiting": [
            {
                "who": s.recipient.display,
                "group": s.is_group,
                "delivery": DELIVERY_LABELS[s.delivery] if s.delivery else "未发送",
            }
            for s in states
            if s.ack is None
        ],
        "removed": removed,
    }


@pages.page("/web/broadcasts/{broadcast_id}", "广播确认看板", roles=FOLLOWERS, personal=True)
async def board_page(ctx: PageContext) -> Rendered:
    """The board now; ``static/app.js`` keeps it current from ``…/live``."""
    found = await bc.get(ctx.session, _number(ctx))
    ctx.audit_detail["broadcast"] = found.id
    return ctx.render(
        "broadcast/board_page.html",
        broadcast=found,
        board=await board(ctx.session, found, ctx.tz),
    )


@pages.page("/web/broadcasts/{broadcast_id}/live", "广播确认看板（实时）", roles=FOLLOWERS)
async def board_live(ctx: PageContext) -> EventStream:
    """The board's part, sent again whenever an acknowledgement (from any instance) changes it."""
    found = await bc.get(ctx.session, _number(ctx))
    broadcast_id, tz = found.id, ctx.tz

    async def produce(db: AsyncSession) -> str:
        current = await bc.get(db, broadcast_id)
        return ctx.fragment("broadcast/board.html", board=await board(db, current, tz))

    return EventStream(produce)


@pages.page(
    "/web/broadcasts/{broadcast_id}/export.xlsx",
    "导出送达与确认",
    roles=FOLLOWERS,
    personal=True,
)
async def board_export(ctx: PageContext) -> web.StreamResponse:
    """The evidence workbook, the same rows as ``dutybot broadcast export`` (audited)."""
    found = await evidence(ctx.session, _number(ctx), ctx.tz)
    ctx.audit_detail.update(broadcast=found.broadcast_id, rows=len(found.rows))
    drawn = partial(workbook, [(SHEET, found.table)])
    return ctx.download(found.file_name, drawn, XLSX_TYPE)

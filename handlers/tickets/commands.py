"""12345 工单 in chat: the status card, keyword search and the 超期/临期 lists."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.errors import UserError
from bot.core.messages import Button, Reply
from bot.core.privacy import unmasked_for
from bot.core.roles import Role
from bot.core.routing import Router
from bot.core.scope import OutOfScope
from handlers.tickets.cards import sign_button
from models.directory import units as org_units
from models.directory.users import OrgUnit
from models.tickets import SCOPE as TICKETS_SCOPE
from models.tickets.plan import due_text, soon_from
from models.tickets.records import HANDLING, OPEN, Status, Ticket, get
from models.tickets.search import search, split_query, teach
from models.tickets.settings import TICKETS

router = Router("tickets", TICKETS_SCOPE)
VIEWERS = (Role.OFFICER, Role.SUPERVISOR, Role.LEADER, Role.LIAISON, Role.ADMIN)
LIST_LIMIT = 20
_NUMBER = re.compile(r"[0-9A-Za-z]+(?:-[0-9A-Za-z]+)+|\d{4,}")
# "查一下路灯不亮的工单" → 路灯不亮
_PHRASE_TAIL = re.compile(r"(?:相关)?(?:的)?(?:工单|诉求|投诉)(?:情况|进度)?[。？?！!]*$")


def number_in(text: str) -> str:
    """The ticket number inside ``text`` ("12345-20231108-000123进度" → the number)."""
    found = _NUMBER.search(text)
    if found is None:
        raise UserError("请给出工单编号，例如：/ticket 12345-20231108-000123（或：工单 编号）")
    return found.group(0)


def left(deadline: datetime, now: datetime) -> str:
    """``剩 2 天 3 小时`` or ``已超期 1 天 4 小时``."""
    gap = deadline - now
    span = abs(gap)
    days, hours = span.days, span.seconds // 3600
    text = (f"{days} 天 " if days else "") + f"{hours} 小时"
    if gap < timedelta(0):
        return f"已超期 {text}"
    return f"剩 {text}"


def may_view(ctx: HandlerContext, ticket: Ticket) -> None:
    """Liaisons see their own unit's tickets only (callers' data stays in the unit)."""
    TICKETS_SCOPE.check(ctx.me, [ticket.unit, *ticket.co_orgs], ticket.label)


async def card(ctx: HandlerContext, ticket: Ticket) -> Reply:
    """The status card: who has it, the deadline and time left, the last steps."""
    unmasked = unmasked_for(ctx.msg.chat_kind, ctx.me.roles, TICKETS.of(ctx.config).unmasked_roles)
    liaisons = ""
    if ticket.lead_org_id is not None:
        people = await org_units.unit_people(ctx.session, ticket.lead_org_id, Role.LIAISON)
        liaisons = "；联络员：" + ("、".join(p.name for p in people) or "未设置")
    lines = [
        f"📋 {ticket.label}·{ticket.status}" + ("（紧急）" if ticket.urgency == "紧急" else ""),
        f"诉求：{ticket.shown(ticket.content, unmasked)[:120]}",
        f"地址：{ticket.address or '—'}；来电人：{ticket.caller(unmasked) or '—'}",
        f"受理：{ctx.tz.fmt(ticket.received_at)}；承办：{ticket.unit}"
        + (f"（协办：{'、'.join(ticket.co_orgs)}）" if ticket.co_orgs else "")
        + liaisons,
    ]
    deadline = f"期限：{due_text(ctx.tz, ticket.deadline)} 前"
    if ticket.extended_due_at is not None:
        deadline += "（已延期）"
    if ticket.status in OPEN:
        deadline += f"，{left(ticket.deadline, ctx.now)}"
    lines.append(deadline)
    if ticket.return_reason and ticket.status == Status.RETURNED:
        lines.append(f"退单理由：{ticket.shown(ticket.return_reason, unmasked)}")
    if ticket.visit_result:
        lines.append(f"回访：{ticket.visit_result}")
    if ticket.merged_into:
        lines.append(f"已并入：{ticket.merged_into}")
    lines.append("最近办理：")
    for event in ticket.events[-4:]:
        note = ticket.shown(event.note, unmasked)[:40]
        lines.append(f"· {ctx.tz.fmt(event.at)} {event.action} {note}".rstrip())
    buttons: list[Button] = []
    if ticket.status == Status.WAITING:
        buttons.append(sign_button(ticket))
    if ticket.status in HANDLING:
        buttons.append(Button("回复", f"/ticket_reply {ticket.number}"))
    return Reply("\n".join(lines), buttons=(tuple(buttons),) if buttons else ())


@router.command(
    "ticket",
    aliases=("工单",),
    roles=VIEWERS,
    help="工单状态：工单 12345-20231108-000123（承办、期限、剩余时间、最近办理）",
)
async def ticket_show(
    ctx: HandlerContext, *, number: Annotated[str, Arg("工单编号", rest=True)] = ""
) -> Reply:
    """One ticket's status card; the number may be glued to the command or followed by 进度."""
    return await _show(ctx, number)


async def _show(ctx: HandlerContext, text: str) -> Reply:
    ticket = await get(ctx.session, number_in(text))
    may_view(ctx, ticket)
    return await card(ctx, ticket)


async def scoped_search(
    session: AsyncSession, config: Config, words: str, unit: str | None
) -> list[int]:
    """Ids of the newest tickets holding ``words`` within ``unit`` (a liaison's; None: all).

    Raises:
        OutOfScope: nothing in the unit, but other units' tickets hold the words (as chat says).
    """
    teach(TICKETS.of(config).dictionary)
    ids = await search(session, words, limit=LIST_LIMIT, unit=unit)
    if not ids and unit is not None and await search(session, words, limit=1):
        raise OutOfScope(
            f"含「{words}」的工单都不属于{unit}，不在您的查看范围内。"
            "联络员只能查看本单位承办或协办的工单。"
        )
    return ids


async def _found(ctx: HandlerContext, words: str) -> str:
    if not split_query(words):
        raise UserError("请给出关键词，例如：工单 搜索 路灯 不亮")
    ids = await scoped_search(ctx.session, ctx.config, words, TICKETS_SCOPE.units(ctx.me))
    if not ids:
        return f"没有找到含「{words}」的工单。可换个说法或少写几个字再试。"
    rows = await ctx.session.scalars(select(Ticket).where(Ticket.id.in_(ids)))
    by_id = {t.id: t for t in rows}
    tickets = [by_id[i] for i in ids]
    lines = [f"🔎 含「{words}」的工单（新的在前，最多 {LIST_LIMIT} 张）："]
    lines += [f"· {t.number} {t.status} {t.unit}：{t.shown(t.content)[:30]}" for t in tickets]
    return "\n".join(lines)


@router.command(
    "ticket search", aliases=("工单 搜索",), roles=VIEWERS, help="搜工单：工单 搜索 路灯 不亮"
)
async def ticket_search(
    ctx: HandlerContext, *, words: Annotated[str, Arg("关键词", rest=True)] = ""
) -> str:
    """Keyword search over content and address, newest first."""
    return await _found(ctx, words)


@router.command(
    "ticket ask", aliases=("查 一下",), roles=VIEWERS, help="自然说法：查一下路灯不亮的工单"
)
async def ticket_ask(
    ctx: HandlerContext, *, words: Annotated[str, Arg("说法", rest=True)] = ""
) -> str | Reply:
    """Natural phrasing: 查一下路灯不亮的工单 → a search; 查一下工单 12345-… → the card."""
    if _NUMBER.search(words) and ("-" in words or "工单" in words):
        return await _show(ctx, words)
    wanted = _PHRASE_TAIL.sub("", words).strip()
    if wanted == words.strip():
        # not about tickets ("查一下提醒"): answer as for any text that is no command
        raise UserError(ctx.table.suggestion(ctx.msg.text, ctx.me.roles))
    return await _found(ctx, wanted)


@router.command(
    "tickets overdue", aliases=("工单 超期",), roles=VIEWERS, help="超期工单：工单 超期 [单位]"
)
async def tickets_overdue(
    ctx: HandlerContext, *, unit: Annotated[str | None, Arg("单位")] = None
) -> str:
    """Open tickets past their deadline."""
    return await _listing(ctx, True, unit)


# Telegram command names allow only a-z, 0-9 and _: the menu shows /tickets_due_soon, and the
# issue's spelling ``/tickets due-soon`` stays an alias.
@router.command(
    "tickets due soon",
    aliases=("工单 临期", "tickets due-soon"),
    roles=VIEWERS,
    help="临期工单：工单 临期 [单位]",
)
async def tickets_due_soon(
    ctx: HandlerContext, *, unit: Annotated[str | None, Arg("单位")] = None
) -> str:
    """Open tickets within the 临期 window (rule hotline.due_soon)."""
    return await _listing(ctx, False, unit)


async def _listing(ctx: HandlerContext, overdue: bool, unit: str | None) -> str:
    unit = TICKETS_SCOPE.listing(ctx.me, unit)
    query = select(Ticket).where(Ticket.status.in_([s.value for s in OPEN]))
    if unit:
        org = await org_units.find_org(ctx.session, unit)
        query = query.where(Ticket.lead_org_id == org.id)
    rows = list(await ctx.session.scalars(query.join(OrgUnit, isouter=True).order_by(Ticket.id)))
    start = soon_from(ctx.config, ctx.tz.tz, ctx.now)
    if overdue:
        picked = [t for t in rows if t.deadline <= ctx.now]
    else:
        picked = [t for t in rows if ctx.now < t.deadline <= start]
    picked.sort(key=lambda t: t.deadline)
    title = "超期" if overdue else "临期"
    scope = f"（{unit}）" if unit else ""
    if not picked:
        return f"目前没有{title}工单{scope}。"
    lines = [f"⏰ {title}工单{scope} {len(picked)} 张："]
    for t in picked[:LIST_LIMIT]:
        lines.append(
            f"· {t.number} {t.unit} {t.status}，{left(t.deadline, ctx.now)}："
            f"{t.shown(t.content)[:24]}"
        )
    if len(picked) > LIST_LIMIT:
        lines.append(f"……另有 {len(picked) - LIST_LIMIT} 张，请按单位查看")
    return "\n".join(lines)

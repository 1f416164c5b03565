"""督办 台账 (``/task list [单位|超期|临期]``) and one item's file."""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.messages import PHOTO_TYPES, Attachment, ChatKind, Reply
from bot.core.roles import ANY_BOUND
from bot.core.routing import Router
from models.directory import units as org_units
from models.supervision import SCOPE as SUPERVISION_SCOPE
from models.supervision import files as kept_files
from models.supervision import ledger
from models.supervision import records as supervision
from models.supervision.records import SupervisionItem

router = Router("supervision-view", SUPERVISION_SCOPE)
_OVERDUE = ("overdue", "超期")
_DUE_SOON = ("due-soon", "临期")
LIST_LIMIT = 30  # a chat message stays readable; the rest is counted


def _line(item: SupervisionItem) -> str:
    card = f"【{item.card}】" if item.card else ""
    level = f"〔{item.escalation}〕" if item.escalation and item.escalation != "提醒" else ""
    return (
        f"#{item.id} {card}{item.title} — {item.lead_org.name}，"
        f"{item.due_date.isoformat()}，{item.status}{level}"
    )


@router.command(
    "task list",
    aliases=("督办 列表", "督办 台账"),
    roles=ANY_BOUND,
    help="督办台账：督办 列表 [单位名|超期|临期]（联络员只看本单位）",
)
async def task_list(
    ctx: HandlerContext, *, which: Annotated[str | None, Arg("单位|超期|临期")] = None
) -> str:
    """Open items, filtered by unit, overdue or due soon."""
    # 超期/临期 and a unit name all stay inside what the caller may see (liaisons: own unit)
    asked = None if which in (*_OVERDUE, *_DUE_SOON) else which
    unit = SUPERVISION_SCOPE.listing(ctx.me, asked)
    org, of = None, ""
    if unit:
        org = await org_units.find_org(ctx.session, unit)
        of = f"{org.name} 的"
    due = ledger.OVERDUE if which in _OVERDUE else ledger.DUE_SOON if which in _DUE_SOON else ""
    wanted = ledger.Filter(org_id=org.id if org else None, due=due)
    items = await ledger.listing(ctx.session, ctx.config, ctx.today, wanted)
    if due == ledger.OVERDUE:
        return _render(f"{of}超期督办事项", items)
    if due == ledger.DUE_SOON:
        rule = ctx.config.rules["supervision.due_soon"]
        return _render(f"{of}临期督办事项（{rule.amount}{rule.unit}内到期）", items)
    return _render(f"{of}督办事项" if of else "在办督办事项", items)


def _render(title: str, items: list[SupervisionItem]) -> str:
    if not items:
        return f"{title}：无。"
    lines = [_line(i) for i in items[:LIST_LIMIT]]
    if len(items) > LIST_LIMIT:
        lines.append(f"……另有 {len(items) - LIST_LIMIT} 项，请按单位筛选")
    return f"{title}（{len(items)} 项）：\n" + "\n".join(lines) + "\n详情：/task 编号"


@router.command("task", aliases=("督办",), roles=ANY_BOUND, help="查看一项督办：督办 编号")
async def task_show(ctx: HandlerContext, *, item_id: Annotated[int, Arg("编号")]) -> list[Reply]:
    """The item's file: fields, card, escalation and every step taken with the files sent with
    it; in a private chat the pictures follow (a group sees their names only)."""
    item = await supervision.get(ctx.session, item_id)
    SUPERVISION_SCOPE.check(ctx.me, [item.lead_org.name, *item.co_orgs], item.label)
    names = await ledger.actor_names(ctx.session, item)
    overdue = ledger.overdue(item, ctx.today)
    lines = [
        f"{item.label}（{item.status}）",
        f"来源：{item.source}" + (f"；牵头领导：{item.lead_leader}" if item.lead_leader else ""),
        f"承办：{item.lead_org.name}"
        + (f"；协办：{'、'.join(item.co_orgs)}" if item.co_orgs else ""),
        f"期限：{item.due_date.isoformat()}"
        + (
            f"（原 {item.original_due_date.isoformat()}）"
            if item.original_due_date != item.due_date
            else ""
        )
        + ("，已超期" if overdue else "")
        + f"；反馈：{item.cadence}",
    ]
    if item.content:
        lines.append(f"内容：{item.content}")
    if item.card or item.escalation:
        lines.append(f"督办等级：{item.card or '—'} / {item.escalation or '—'}")
    kept = await kept_files.of_item(ctx.session, item.id)
    lines.append("办理记录：")
    for e in item.events:
        lines.append(
            f"  {ctx.tz.fmt(e.at)} {e.action} {names.get(e.actor_id or 0, '系统')}"
            + (f"：{e.note}" if e.note else "")
        )
        lines += [
            f"    📎 附件：{f.name}（{ctx.tz.fmt(f.at)}）" for f in kept if f.event_id == e.id
        ]
    photos = [f for f in kept if f.mime in PHOTO_TYPES]
    if photos and ctx.msg.chat_kind is not ChatKind.PRIVATE:
        lines.append("（现场照片只在私聊中发送：请私聊机器人发「督办 编号」查看）")
    replies = [Reply("\n".join(lines))]
    if ctx.msg.chat_kind is ChatKind.PRIVATE:
        for f in photos:
            data = await kept_files.data_of(ctx.session, f.id)
            replies.append(
                Reply(f"{item.label} 附件：{f.name}", attachment=Attachment(f.name, f.mime, data))
            )
    return replies

"""建议提案 台账 and statistics: the list with live KPIs (docs/kpi.md), per unit, one item."""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.roles import ANY_BOUND
from bot.core.routing import Router
from models.directory import units as org_units
from models.proposals import SCOPE as PROPOSALS_SCOPE
from models.proposals.kpi import kpis
from models.proposals.records import CODES, UNRATED, Proposal, Status, all_items, get
from models.proposals.settings import PROPOSALS

router = Router("proposals-view", PROPOSALS_SCOPE)
LIST_LIMIT = 30


def _line(item: Proposal, today_over: bool) -> str:
    flag = "【超期】" if today_over else ""
    code = f"，{item.answer_code}" if item.answer_code else ""
    rating = f"，{item.rating}" if item.rating != UNRATED else ""
    return (
        f"#{item.id} {flag}{item.label} — {item.lead_org.name}，"
        f"答复期限 {item.current_due}，{item.status}{code}{rating}"
    )


@router.command(
    "proposal list",
    aliases=("建议提案 台账", "建议提案 列表"),
    roles=ANY_BOUND,
    help="建议提案台账及各项比率：建议提案 台账 [单位名|超期]（联络员只看本单位）",
)
async def proposal_list(
    ctx: HandlerContext, *, which: Annotated[str | None, Arg("单位|超期")] = None
) -> str:
    """The register, filtered by unit or overdue, with the KPIs of what it shows."""
    unit = which if which not in (None, "超期", "overdue") else None
    unit = PROPOSALS_SCOPE.listing(ctx.me, unit)  # liaisons: their own unit's, 超期 included
    org = await org_units.find_org(ctx.session, unit) if unit else None
    items = await all_items(ctx.session, org.id if org else None)
    owed = (Status.HANDLING, Status.REDO)
    over = {i.id for i in items if i.status in owed and i.current_due < ctx.today}
    overdue = which in ("超期", "overdue")
    shown = [i for i in items if i.id in over] if overdue else items
    title = f"{org.name} 的" if org else ""
    title += "超期建议提案" if overdue else ("建议提案" if org else "建议提案台账")
    if not shown:
        return f"{title}：无。"
    lines = [_line(i, i.id in over) for i in shown[:LIST_LIMIT]]
    if len(shown) > LIST_LIMIT:
        lines.append(f"……另有 {len(shown) - LIST_LIMIT} 件，请按单位筛选")
    summary = kpis(items, ctx.today, PROPOSALS.of(ctx.config))
    return "\n".join([f"{title}（{len(shown)} 件）：", *lines, "—— " + "；".join(summary.lines())])


@router.command(
    "proposal stats",
    aliases=("建议提案 统计",),
    roles=ANY_BOUND,
    help="建议提案见面率、沟通率、按期办复率、办结率、满意率，全县及分单位（联络员看本单位）",
)
async def proposal_stats(ctx: HandlerContext) -> str:
    """KPIs for the county and for each lead unit (a liaison's: their own unit's only)."""
    own = PROPOSALS_SCOPE.units(ctx.me)
    org = await org_units.find_org(ctx.session, own) if own else None
    items = await all_items(ctx.session, org.id if org else None)
    if not items:
        return f"{own}尚无建议提案。" if own else "尚无建议提案。登记：/proposal_new"
    settings = PROPOSALS.of(ctx.config)
    total = kpis(items, ctx.today, settings)
    head = f"{own}建议提案办理情况" if own else "建议提案办理情况"
    lines = [f"{head}（共 {total.items} 件）", *total.lines(), "分单位："]
    units: dict[str, list[Proposal]] = {}
    for item in items:
        units.setdefault(item.lead_org.name, []).append(item)
    for name, group in units.items():
        unit = kpis(group, ctx.today, settings)
        lines.append(f"  {name}（{unit.items} 件）：" + "；".join(unit.lines()))
    lines.append(
        "口径：见 docs/kpi.md；未反馈件"
        + ("不计入" if settings.exclude_unrated else "计入")
        + "满意率分母"
    )
    return "\n".join(lines)


@router.command("proposal", aliases=("建议提案",), roles=ANY_BOUND, help="查看一件建议提案")
async def proposal_show(ctx: HandlerContext, *, item_id: Annotated[int, Arg("编号")]) -> str:
    """One item's dates, answer and rating."""
    item = await get(ctx.session, item_id)
    PROPOSALS_SCOPE.check(ctx.me, [item.lead_org.name, *item.co_orgs], item.label)
    lines = [
        f"#{item.id} {item.label}（{item.status}）",
        f"提出人：{item.proposer or '未登记'}；承办：{item.lead_org.name}"
        + (f"；协办：{'、'.join(item.co_orgs)}" if item.co_orgs else ""),
        f"交办：{item.assigned_on}；面商期限：{item.contact_due}；"
        f"答复期限：{item.reply_due}" + ("（复杂件 6 个月）" if item.complex else ""),
        "联系："
        + ("；".join(f"{mode} {day}" for mode, day in (item.contacts or {}).items()) or "未登记"),
    ]
    if item.replied_on:
        lines.append(f"答复：{item.replied_on}，{item.answer_code} {CODES[item.answer_code]}")
    if item.followup_due:
        done = f"已于 {item.followup_on} 跟踪答复" if item.followup_on else "待跟踪答复"
        lines.append(f"B 类承诺：{item.followup_due} 前解决，{done}")
    lines.append(
        f"评价：{item.rating}"
        + (f"；重办 {item.redo_count} 次，再次答复期限 {item.redo_due}" if item.redo_count else "")
    )
    return "\n".join(lines)

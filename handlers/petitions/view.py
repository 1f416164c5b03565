"""信访 台账 and one item's file; personal data masked in groups and for roles not allowed."""

from __future__ import annotations

from typing import Annotated

from bot.core.args import Arg
from bot.core.context import HandlerContext
from bot.core.privacy import unmasked_for
from bot.core.roles import Role
from bot.core.routing import Router
from models.directory.units import find_org
from models.petitions import SCOPE as PETITIONS_SCOPE
from models.petitions.plan import running
from models.petitions.records import Petition, free_text, get, open_items, who
from models.petitions.settings import PETITIONS

router = Router("petitions-view", PETITIONS_SCOPE)
VIEWERS = (Role.OFFICER, Role.SUPERVISOR, Role.LEADER, Role.LIAISON, Role.ADMIN)
LIST_LIMIT = 30


def _clock(item: Petition, ctx: HandlerContext) -> str:
    found = running(item)
    if found is None:
        return ""
    step, day = found
    over = "，已超期" if ctx.today > day else ""
    name = {"forward": "转办", "accept": "受理", "conclude": "办结", "stage": "意见"}[step]
    return f"，{name}期限 {day}{over}"


def _owners(item: Petition) -> list[str]:
    """The unit a petition was forwarded to (none before forwarding)."""
    return [item.org.name] if item.org else []


def _unmasked(ctx: HandlerContext) -> bool:
    """Whether this chat may read petitioners' data: never a group, by role in private."""
    return unmasked_for(ctx.msg.chat_kind, ctx.me.roles, PETITIONS.of(ctx.config).unmasked_roles)


@router.command(
    "petition list",
    aliases=("信访 台账", "信访 列表"),
    roles=VIEWERS,
    help="信访台账：信访 台账 [单位名|超期]（联络员只看本单位）",
)
async def petition_list(
    ctx: HandlerContext, *, which: Annotated[str | None, Arg("单位|超期")] = None
) -> str:
    """Open petitions (of one unit) with the clock each is on."""
    unmasked = _unmasked(ctx)
    unit = PETITIONS_SCOPE.listing(ctx.me, None if which in (None, "超期", "overdue") else which)
    if unit:
        unit = (await find_org(ctx.session, unit)).name
    items = [i for i in await open_items(ctx.session) if unit is None or _owners(i) == [unit]]
    if which in ("超期", "overdue"):
        items = [i for i in items if (c := running(i)) is not None and ctx.today > c[1]]
    title = f"{unit} 的信访台账" if unit else "信访台账"
    if not items:
        return f"{title}：无。"
    lines = [
        f"#{i.id} {i.category} {who(i, unmasked)} — {i.status}"
        + (f"，{i.org.name}" if i.org else "")
        + _clock(i, ctx)
        for i in items[:LIST_LIMIT]
    ]
    if len(items) > LIST_LIMIT:
        lines.append(f"……另有 {len(items) - LIST_LIMIT} 件")
    return f"{title}（{len(items)} 件）：\n" + "\n".join(lines) + "\n详情：/petition 编号"


@router.command("petition", aliases=("信访",), roles=VIEWERS, help="查看一件信访事项")
async def petition_show(ctx: HandlerContext, *, item_id: Annotated[int, Arg("编号")]) -> str:
    """One petition, masked in a group and for roles that may not see the petitioner."""
    item = await get(ctx.session, item_id)
    PETITIONS_SCOPE.check(ctx.me, _owners(item), item.label)
    unmasked = _unmasked(ctx)
    lines = [
        f"{item.label}（{item.status}）{_clock(item, ctx)}",
        f"渠道：{item.channel}；信访人：{who(item, unmasked)}",
        f"登记：{ctx.tz.fmt(item.registered_at)}；转办期限：{item.forward_due}",
        f"诉求：{free_text(item, item.request, unmasked)}",
    ]
    if item.referred_to:
        lines.append(f"检举控告类，已移交 {item.referred_to}（信访工作条例第三十条）")
    if item.instruction:
        lines.append(f"领导批示：{item.instruction}（{item.instruction_by}）")
    if item.org:
        extension = f"（已延期 {item.extension_days} 日）" if item.extension_days else ""
        lines.append(
            f"承办：{item.org.name}，受理 {item.accepted_on}，"
            f"办结期限 {item.conclude_due}{extension}"
            if item.accepted_on
            else f"承办：{item.org.name}，待受理（受理期限 {item.stage_due}）"
        )
    if item.opinion:
        opinion = free_text(item, item.opinion_text, unmasked)
        lines.append(f"处理意见：{item.opinion} {opinion}（{item.concluded_on}）")
    return "\n".join(lines)

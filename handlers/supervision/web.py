"""督查督办 on the web dashboard: the ledger with its 黄/橙/红 cards and filters (unit, status,
超期/临期), one item's file with its history, and the 督查通报 with its chart and workbook."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from sqlalchemy import select

from bot.core.errors import UserError
from bot.core.roles import ANY_BOUND, Role
from bot.web.pages import PageContext, Rendered, WebPages
from models.directory.users import OrgUnit
from models.reports.export import FileFormat, attachment
from models.reports.report import Period, build
from models.supervision import SCOPE as SUPERVISION_SCOPE
from models.supervision import files as kept_files
from models.supervision import ledger
from models.supervision import records as supervision
from models.supervision.records import Status

pages = WebPages("supervision", Path(__file__).with_name("templates"))
# Who reads the 督查通报 (as chat's /report admits).
REPORT_READERS = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)
DUE_CHOICES = {"": "全部", ledger.OVERDUE: "超期", ledger.DUE_SOON: "临期"}
PERIOD_CHOICES = {"": "上周", "week": "上周", "month": "上月"}


def _choice(ctx: PageContext, name: str, allowed: dict[str, str]) -> str:
    value = ctx.arg(name)
    if value not in allowed:
        known = "、".join(f"{k}（{v}）" for k, v in allowed.items() if k)
        raise UserError(f"筛选条件「{name}」不认识「{value}」，可选：{known}。")
    return value


def _status(ctx: PageContext) -> Status | None:
    value = ctx.arg("status")
    if not value:
        return None
    try:
        return Status(value)
    except ValueError:
        known = "、".join(s.value for s in Status)
        raise UserError(f"没有「{value}」这个办理状态，可选：{known}。") from None


@pages.page("/web/supervision", "督办台账", roles=ANY_BOUND)
async def ledger_page(ctx: PageContext) -> Rendered:
    """Open items soonest due first, filtered as asked; a liaison sees their own unit's."""
    unit = SUPERVISION_SCOPE.listing(ctx.user, ctx.arg("unit") or None)
    units = list(await ctx.session.scalars(select(OrgUnit).order_by(OrgUnit.id)))
    org = next((u for u in units if u.name == unit), None)
    if unit and org is None:
        raise UserError(f"没有单位「{unit}」，请从下拉列表中选择。")
    due, status = _choice(ctx, "due", DUE_CHOICES), _status(ctx)
    wanted = ledger.Filter(org_id=org.id if org else None, status=status, due=due)
    items = await ledger.listing(ctx.session, ctx.config, ctx.today, wanted)
    own = SUPERVISION_SCOPE.units(ctx.user)
    return ctx.render(
        "supervision/ledger.html",
        items=items,
        counts=ledger.by_unit(items, ctx.today),
        units=[own] if own else [u.name for u in units],
        unit=unit or "",
        chosen=status.value if status else "",
        statuses=[s.value for s in Status],
        due=due,
        due_choices=DUE_CHOICES,
        colours=ledger.CARD_COLOURS,
        today=ctx.today,
        overdue=ledger.overdue,
        rule=ctx.config.rules["supervision.due_soon"],
    )


@pages.page("/web/supervision/{item_id}", "督办详情", roles=ANY_BOUND, personal=True)
async def item_page(ctx: PageContext) -> Rendered:
    """One item's file: its fields, card, escalation and every step with who took it."""
    raw = ctx.request.match_info["item_id"]
    if not raw.isdigit():
        return _missing(f"「{raw}」不是督办编号。")
    item = await ctx.session.get(supervision.SupervisionItem, int(raw))
    if item is None:
        return _missing(f"没有编号为 {raw} 的督办事项。")
    SUPERVISION_SCOPE.check(ctx.user, [item.lead_org.name, *item.co_orgs], item.label)
    ctx.audit_detail["item"] = item.id
    kept = await kept_files.of_item(ctx.session, item.id)
    return ctx.render(
        "supervision/item.html",
        item=item,
        names=await ledger.actor_names(ctx.session, item),
        files={e.id: [f.name for f in kept if f.event_id == e.id] for e in item.events},
        overdue=ledger.overdue(item, ctx.today),
        colour=ledger.CARD_COLOURS.get(item.card, ""),
    )


def _missing(message: str) -> Rendered:
    return Rendered(
        "web/error.html",
        {"status": 404, "message": message + "请从督办台账进入。", "title": "页面不存在"},
        404,
    )


def _period(ctx: PageContext) -> Period:
    """``?period=week`` (the default) or ``month``: the last complete one, as chat's 通报."""
    return "month" if _choice(ctx, "period", PERIOD_CHOICES) == "month" else "week"


@pages.page("/web/reports", "督查通报", roles=REPORT_READERS)
async def report_page(ctx: PageContext) -> Rendered:
    """The last week's or month's 通报: per-unit lines, the chart, and the workbook to download."""
    kind = _period(ctx)
    found = await build(ctx.session, kind, ctx.now, ctx.tz.tz, ctx.config)
    return ctx.render("supervision/report.html", report=found, period=kind, today=ctx.today)


async def _report_file(ctx: PageContext, fmt: FileFormat) -> web.StreamResponse:
    kind = _period(ctx)
    found = await build(ctx.session, kind, ctx.now, ctx.tz.tz, ctx.config)
    ctx.audit_detail.update(period=kind, format=fmt)
    file = attachment(found, kind, ctx.today, fmt)  # what chat's 「通报 图表|表格」 sends
    return ctx.download(file.name, file.render or file.data, file.mime, inline=fmt == "png")


@pages.page("/web/reports/chart.png", "督查通报图表", roles=REPORT_READERS, nav=False)
async def report_chart(ctx: PageContext) -> web.StreamResponse:
    """The chart chat's 「通报 图表」 sends: 督办 by unit, drawn the same way."""
    return await _report_file(ctx, "png")


@pages.page(
    "/web/reports/report.xlsx", "导出督查通报", roles=REPORT_READERS, nav=False, personal=True
)
async def report_workbook(ctx: PageContext) -> web.StreamResponse:
    """The workbook `dutybot report --format xlsx` writes (an export: audited)."""
    return await _report_file(ctx, "xlsx")

"""督查通报: per-unit on-time rate for items due in a period, the overdue list with cards and
escalation (items at 通报 or beyond are named), the 建议提案 KPIs, the 12345 ticket KPIs of
the tickets received in the period and the SMS and calls the escalation ladders made — one
structure that chat, markdown and xlsx all render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core.privacy import mask_text
from models.deadlines.rates import Rate
from models.directory import phone_contacts
from models.proposals.kpi import ProposalKpis, kpis
from models.proposals.records import all_items
from models.proposals.settings import PROPOSALS
from models.supervision.records import OPEN, Status, SupervisionItem
from models.tickets import kpi as tickets_kpi

Period = Literal["week", "month"]
NAMED = ("通报", "约谈建议")  # escalation levels the 通报 names


@dataclass
class UnitRow:
    """One unit's line."""

    unit: str
    due: int = 0
    on_time: int = 0
    open: int = 0
    overdue: int = 0
    cards: dict[str, int] = field(default_factory=lambda: {"黄牌": 0, "橙牌": 0, "红牌": 0})

    @property
    def rate(self) -> Rate:
        """按期办结率 over the items due in the period."""
        return Rate(self.on_time, self.due)


@dataclass
class Report:
    """Everything one 通报 says."""

    title: str
    start: date
    end: date
    units: list[UnitRow]
    overdue: list[SupervisionItem]
    named: list[SupervisionItem]
    proposals: ProposalKpis
    tickets: list[tickets_kpi.UnitKpi] = field(default_factory=list)
    # SMS and calls the escalation ladders had accepted in the period: unit → channel → count.
    phone: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> UnitRow:
        """The county line."""
        row = UnitRow("合计")
        for unit in self.units:
            row.due, row.on_time = row.due + unit.due, row.on_time + unit.on_time
            row.open, row.overdue = row.open + unit.open, row.overdue + unit.overdue
            for card, count in unit.cards.items():
                row.cards[card] += count
        return row


def period_of(kind: Period, today: date) -> tuple[date, date, str]:
    """The last complete week (Mon–Sun) or month before ``today``, and its name."""
    if kind == "week":
        end = today - timedelta(days=today.weekday() + 1)
        start = end - timedelta(days=6)
        return start, end, f"督查通报（{start:%m月%d日}—{end:%m月%d日}）"
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end, f"督查通报（{end.year}年{end.month}月）"


def _closed_on_time(item: SupervisionItem, tz: ZoneInfo) -> bool:
    closed = item.closed_at
    return closed is not None and closed.astimezone(tz).date() <= item.due_date


async def build(
    session: AsyncSession, kind: Period, now: datetime, tz: ZoneInfo, config: Config
) -> Report:
    """Collect the report for the period before today (local), judged as of ``now``."""
    today = now.astimezone(tz).date()
    start, end, title = period_of(kind, today)
    items = list(await session.scalars(select(SupervisionItem).order_by(SupervisionItem.id)))
    rows: dict[str, UnitRow] = {}
    overdue, named = [], []
    for item in items:
        row = rows.setdefault(item.lead_org.name, UnitRow(item.lead_org.name))
        if start <= item.due_date <= end:
            row.due += 1
            row.on_time += _closed_on_time(item, tz)
        if item.status in OPEN or item.status == Status.REVIEW:
            row.open += 1
            if item.card in row.cards:
                row.cards[item.card] += 1
            if item.due_date < today:
                row.overdue += 1
                overdue.append(item)
                if item.escalation in NAMED:
                    named.append(item)
    ranked = sorted(rows.values(), key=lambda r: (-(r.rate.value or 0), -r.due, r.unit))
    proposal_kpis = kpis(await all_items(session), today, PROPOSALS.of(config))
    tickets = await tickets_kpi.period_kpis(session, config, tz, start, end, now)
    phone: dict[str, dict[str, int]] = {}
    since, until = (datetime.combine(d, time(0), tz) for d in (start, end + timedelta(days=1)))
    for unit, channel, count in await phone_contacts.monthly_counts(session, since, until):
        phone.setdefault(unit, {})[channel] = count
    return Report(title, start, end, ranked, overdue, named, proposal_kpis, tickets, phone)


CHANNELS = {"sms": "短信", "voice": "语音电话"}


def phone_lines(report: Report) -> list[str]:
    """The 短信/语音 paragraph: what the escalation ladders cost, county and per unit."""
    if not report.phone:
        return ["短信/语音升级：本期无"]
    total = {c: sum(u.get(c, 0) for u in report.phone.values()) for c in CHANNELS}
    lines = ["短信/语音升级：" + _counts(total)]
    lines += [f"  {unit}：{_counts(counts)}" for unit, counts in report.phone.items()]
    return lines


def _counts(counts: dict[str, int]) -> str:
    return f"短信 {counts.get('sms', 0)} 条，语音电话 {counts.get('voice', 0)} 次"


def as_text(report: Report, today: date) -> str:
    """The chat / markdown form."""
    lines = [f"📊 {report.title}", f"统计期间：{report.start} 至 {report.end}（到期事项）"]
    total = report.total
    lines.append(
        f"全县：到期 {total.due} 项，按期办结率 {total.rate}；在办 {total.open} 项，"
        f"超期 {total.overdue} 项；黄牌 {total.cards['黄牌']}、橙牌 {total.cards['橙牌']}、"
        f"红牌 {total.cards['红牌']}"
    )
    lines.append("分单位：")
    lines += [
        f"  {r.unit}：到期 {r.due}，按期办结率 {r.rate}；在办 {r.open}，超期 {r.overdue}"
        for r in report.units
    ]
    if report.named:
        lines.append("予以通报（超期未办结）：")
        lines += [
            f"  督办 #{i.id}「{mask_text(i.title)}」{i.lead_org.name}，期限 {i.due_date}，"
            f"已超期 {(today - i.due_date).days} 天，{i.escalation}"
            for i in report.named
        ]
    if report.overdue:
        lines.append("超期事项：")
        lines += [
            f"  #{i.id} 【{i.card or '—'}】{mask_text(i.title)}（{i.lead_org.name}，{i.due_date}）"
            for i in report.overdue
        ]
    lines.append("建议提案：" + "；".join(report.proposals.lines()))
    lines += phone_lines(report)
    lines.append(f"12345 工单（{report.start} 至 {report.end} 受理，口径见 docs/tickets.md）：")
    if not report.tickets:
        lines.append("  此期间没有已派单的工单")
    else:
        lines += [f"  {k.line()}" for k in [tickets_kpi.total(report.tickets), *report.tickets]]
    return "\n".join(lines)

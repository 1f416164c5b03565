"""12345 KPIs per unit for tickets received in a period: 按时签收率/按时办结率/满意率/解决率.

Formulas (docs/tickets.md; sources in docs/rules.md §12345 KPIs), to be confirmed against the
county's 考核办法:
- 按时签收率 = signed within the 签收 limit ÷ dispatched tickets past that limit or signed
- 按时办结率 = replied by the (extended) deadline ÷ tickets past their deadline or replied
- 满意率 = visits in ``tickets.satisfied`` ÷ valid visits (未联系上 left out)
- 解决率 = visits judged resolved ÷ valid visits with a resolved judgement
Merged tickets (并单) count once, under the main ticket.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from models.deadlines.clocks import Moments, at_hour
from models.deadlines.rates import Rate
from models.tickets.records import Status, Ticket
from models.tickets.settings import TICKETS


@dataclass
class UnitKpi:
    """One unit's figures: for each rate, how many counted and how many met it."""

    unit: str
    tickets: int = 0
    hits: Counter[str] = field(default_factory=Counter)
    bases: Counter[str] = field(default_factory=Counter)

    def add(self, rate: str, counted: bool, hit: bool) -> None:
        """Count one ticket for ``rate`` when it belongs to the base."""
        if counted:
            self.bases[rate] += 1
            self.hits[rate] += hit

    def rate(self, name: str) -> Rate:
        """``sign``, ``done``, ``satisfied`` or ``resolved``."""
        return Rate(self.hits[name], self.bases[name])

    def line(self) -> str:
        """``【城关镇】3 张｜按时签收 66.7%（2/3）｜…`` for chat and the 督查通报."""
        rates = "｜".join(f"{label[:-1]} {self.rate(key)}" for key, label in RATES.items())
        return f"【{self.unit}】{self.tickets} 张｜{rates}"


# Each rate's key and its name in reports and spreadsheets.
RATES = {"sign": "按时签收率", "done": "按时办结率", "satisfied": "满意率", "resolved": "解决率"}


def total(units: list[UnitKpi]) -> UnitKpi:
    """The county line: every unit's counts added up."""
    county = UnitKpi("合计")
    for unit in units:
        county.tickets += unit.tickets
        county.hits.update(unit.hits)
        county.bases.update(unit.bases)
    return county


def table(units: list[UnitKpi]) -> list[list[object]]:
    """Spreadsheet rows: a header, then each unit and the county (rate, numerator, base)."""
    header: list[object] = ["单位", "受理工单"]
    for label in RATES.values():
        header += [label, f"{label[:-1]}件数", f"{label[:-1]}基数"]
    rows = [header]
    for unit in [*units, total(units)] if units else []:
        row: list[object] = [unit.unit, unit.tickets]
        for key in RATES:
            rate = unit.rate(key)
            value = None if rate.value is None else round(rate.value, 4)
            row += [value, rate.numerator, rate.denominator]
        rows.append(row)
    return rows


async def period_kpis(
    session: AsyncSession, config: Config, tz: ZoneInfo, first: date, last: date, now: datetime
) -> list[UnitKpi]:
    """Figures for tickets received from ``first`` to ``last`` (local days, both included),
    judged as of ``now``: what /stats and the 督查通报 both show."""
    start, end = at_hour(first, 0, tz), at_hour(last + timedelta(days=1), 0, tz)
    return await kpis(session, config, Moments.of(config, tz), start, end, now)


async def kpis(
    session: AsyncSession,
    config: Config,
    moments: Moments,
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[UnitKpi]:
    """Figures per lead unit for tickets received in [start, end), most tickets first."""
    rows = await session.scalars(
        select(Ticket).where(
            Ticket.received_at >= start,
            Ticket.received_at < end,
            Ticket.lead_org_id.is_not(None),
            Ticket.status != Status.MERGED.value,
        )
    )
    sign_rule = config.rules["hotline.sign"]
    units: dict[str, UnitKpi] = defaultdict(lambda: UnitKpi(""))
    for t in rows:
        kpi = units[t.unit]
        kpi.unit, kpi.tickets = t.unit, kpi.tickets + 1
        sign_by = moments.after(t.dispatched_at or t.received_at, sign_rule)
        signed_in_time = bool(t.signed_at and t.signed_at <= sign_by)
        kpi.add("sign", t.signed_at is not None or sign_by <= now, signed_in_time)
        replied_in_time = bool(t.replied_at and t.replied_at <= t.deadline)
        kpi.add("done", t.replied_at is not None or t.deadline <= now, replied_in_time)
        valid = bool(t.visit_result) and t.visit_result != "未联系上"
        kpi.add("satisfied", valid, t.visit_result in TICKETS.of(config).satisfied)
        kpi.add("resolved", valid and t.resolved is not None, bool(t.resolved))
    return sorted(units.values(), key=lambda k: (-k.tickets, k.unit))

"""12345 KPIs per unit for tickets received in a period: 按时签收率/按时办结率/满意率/解决率.

Formulas (docs/tickets.md; gov-rules §1.4, to be confirmed against the county's 考核办法):
- 按时签收率 = signed within the 签收 limit ÷ dispatched tickets past that limit or signed
- 按时办结率 = replied by the (extended) deadline ÷ tickets past their deadline or replied
- 满意率 = visits in ``tickets.satisfied`` ÷ valid visits (未联系上 left out)
- 解决率 = visits judged resolved ÷ valid visits with a resolved judgement
Merged tickets (并单) count once, under the main ticket.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from models.clocks import Moments
from models.tickets import Status, Ticket


@dataclass
class Rate:
    """A ratio with its parts (shown as ``95.0%（19/20）``)."""

    hit: int = 0
    base: int = 0

    def add(self, counted: bool, hit: bool) -> None:
        """Count one ticket when it belongs to the base."""
        if counted:
            self.base += 1
            self.hit += hit

    def __str__(self) -> str:
        if not self.base:
            return "—"
        return f"{100 * self.hit / self.base:.1f}%（{self.hit}/{self.base}）"


@dataclass
class UnitKpi:
    """One unit's figures."""

    unit: str
    tickets: int = 0
    sign: Rate = field(default_factory=Rate)
    done: Rate = field(default_factory=Rate)
    satisfied: Rate = field(default_factory=Rate)
    resolved: Rate = field(default_factory=Rate)


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
        kpi.sign.add(
            t.signed_at is not None or sign_by <= now, bool(t.signed_at and t.signed_at <= sign_by)
        )
        kpi.done.add(
            t.replied_at is not None or t.deadline <= now,
            bool(t.replied_at and t.replied_at <= t.deadline),
        )
        valid = bool(t.visit_result) and t.visit_result != "未联系上"
        kpi.satisfied.add(valid, t.visit_result in config.tickets.satisfied)
        kpi.resolved.add(valid and t.resolved is not None, bool(t.resolved))
    return sorted(units.values(), key=lambda k: (-k.tickets, k.unit))


_PHONE = re.compile(r"\d{7,}")


def anonymise(text: str, names: list[str]) -> str:
    """Text fit for 公示: phone-like numbers and the given names masked."""
    text = _PHONE.sub(lambda m: m.group(0)[:3] + "****", text)
    for name in filter(None, names):
        text = text.replace(name, name[:1] + "**")
    return text

"""建议提案 KPIs: 见面率, 沟通率, 按期办复率, 办结率, 满意率 — formulas in docs/kpi.md, options
in config."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from models.deadlines.rates import Rate
from models.proposals.records import UNRATED, Proposal, Status
from models.proposals.settings import ProposalsConfig

ANSWERED = (Status.REPLIED, Status.CLOSED)


@dataclass(frozen=True, slots=True)
class ProposalKpis:
    """The rates over a set of items."""

    items: int
    meet: Rate
    contact: Rate
    on_time: Rate
    completion: Rate
    satisfaction: Rate

    def named(self) -> list[tuple[str, Rate]]:
        """(name, rate) in the order chat, reports and the workbook show them."""
        return [
            ("见面率", self.meet),
            ("沟通率", self.contact),
            ("按期办复率", self.on_time),
            ("办结率", self.completion),
            ("满意率", self.satisfaction),
        ]

    def lines(self) -> list[str]:
        """For chat and reports."""
        return [f"{name}：{rate}" for name, rate in self.named()]


def _before_reply(item: Proposal, modes: tuple[str, ...]) -> bool:
    first = item.contacted_by(modes)
    if first is None:
        return False
    return item.first_replied_on is None or first <= item.first_replied_on


def _on_time(item: Proposal) -> bool:
    return item.first_replied_on is not None and item.first_replied_on <= item.reply_due


def kpis(items: Iterable[Proposal], today: date, config: ProposalsConfig) -> ProposalKpis:
    """Compute the KPIs.

    见面率 = items met in one of ``config.meet_modes`` (面商, 座谈, 走访) on or before their first
    answer ÷ items assigned; 沟通率 likewise with ``config.contact_modes`` (电话 too).
    按期办复率 = items whose first answer came by the reply due date ÷ items assigned (or ÷ items
    already due, when ``config.completion_base`` is ``due``): a late answer never counts, an
    item sent back after 不满意 still does.
    办结率 = items with an answer in force (已答复 or 已办结, late or not; not while sent back for
    重办) ÷ items assigned.
    满意率 = items rated among ``config.satisfied`` ÷ items rated; with ``exclude_unrated`` off,
    answered items still 未反馈 count in the denominator.
    """
    items = list(items)
    base = items
    if config.completion_base == "due":
        base = [i for i in items if i.reply_due < today or _on_time(i)]
    rated = [i for i in items if i.rating != UNRATED]
    if not config.exclude_unrated:
        rated = [i for i in items if i.rating != UNRATED or i.first_replied_on is not None]
    return ProposalKpis(
        items=len(items),
        meet=Rate(sum(_before_reply(i, config.meet_modes) for i in items), len(items)),
        contact=Rate(sum(_before_reply(i, config.contact_modes) for i in items), len(items)),
        on_time=Rate(sum(map(_on_time, base)), len(base)),
        completion=Rate(sum(i.status in ANSWERED for i in items), len(items)),
        satisfaction=Rate(sum(i.rating in config.satisfied for i in rated), len(rated)),
    )

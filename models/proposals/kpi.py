"""建议提案 KPIs: 见面率, 办结率 (办复率), 满意率 — formulas in docs/kpi.md, options in config."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from models.deadlines.rates import Rate
from models.proposals.records import UNRATED, Proposal
from models.proposals.settings import ProposalsConfig


@dataclass(frozen=True, slots=True)
class ProposalKpis:
    """The three rates over a set of items."""

    items: int
    meet: Rate
    completion: Rate
    satisfaction: Rate

    def lines(self) -> list[str]:
        """For chat and reports."""
        return [
            f"见面率：{self.meet}",
            f"办结率：{self.completion}",
            f"满意率：{self.satisfaction}",
        ]


def _met_before_reply(item: Proposal) -> bool:
    if item.contacted_on is None:
        return False
    return item.first_replied_on is None or item.contacted_on <= item.first_replied_on


def _on_time(item: Proposal) -> bool:
    return item.first_replied_on is not None and item.first_replied_on <= item.reply_due


def kpis(items: Iterable[Proposal], today: date, config: ProposalsConfig) -> ProposalKpis:
    """Compute the KPIs.

    见面率 = items contacted (面商/电话/座谈/走访) before their first answer ÷ items assigned.
    办结率 = items answered by their reply due date ÷ items assigned (or ÷ items already due,
    when ``config.completion_base`` is ``due``).
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
        meet=Rate(sum(map(_met_before_reply, items)), len(items)),
        completion=Rate(sum(map(_on_time, base)), len(base)),
        satisfaction=Rate(sum(i.rating in config.satisfied for i in rated), len(rated)),
    )

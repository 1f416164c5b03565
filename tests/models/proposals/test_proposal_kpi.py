"""建议提案 KPIs: 见面率, 办结率, 满意率 and their configurable parts (docs/kpi.md)."""

from __future__ import annotations

from datetime import date

from models.deadlines.rates import Rate
from models.proposals.kpi import kpis
from models.proposals.records import Proposal
from models.proposals.settings import ProposalsConfig

TODAY = date(2026, 11, 26)


def item(
    *,
    due: date = date(2026, 6, 10),
    contacted: date | None = None,
    replied: date | None = None,
    rating: str = "未反馈",
) -> Proposal:
    return Proposal(reply_due=due, contacted_on=contacted, first_replied_on=replied, rating=rating)


ITEMS = [
    # contacted before the reply, answered on time, 满意
    item(contacted=date(2026, 4, 1), replied=date(2026, 6, 1), rating="满意"),
    # contacted only after the reply: does not count for 见面率; 基本满意 counts as satisfied
    item(contacted=date(2026, 6, 5), replied=date(2026, 6, 2), rating="基本满意"),
    # answered late, 不满意
    item(replied=date(2026, 6, 20), rating="不满意"),
    # answered on time, rating never came back
    item(contacted=date(2026, 5, 1), replied=date(2026, 6, 9)),
    # not yet due, contacted, not answered
    item(due=date(2027, 2, 26), contacted=date(2026, 11, 20)),
]


def test_formulas() -> None:
    found = kpis(ITEMS, TODAY, ProposalsConfig())
    assert found.items == 5
    assert (found.meet.numerator, found.meet.denominator) == (3, 5)
    assert (found.completion.numerator, found.completion.denominator) == (3, 5)
    assert (found.satisfaction.numerator, found.satisfaction.denominator) == (2, 3)
    assert str(found.satisfaction) == "66.7%（2/3）"


def test_unrated_items_count_when_configured() -> None:
    found = kpis(ITEMS, TODAY, ProposalsConfig(exclude_unrated=False))
    assert (found.satisfaction.numerator, found.satisfaction.denominator) == (2, 4)


def test_only_satisfied_counts_when_basic_is_not_enough() -> None:
    found = kpis(ITEMS, TODAY, ProposalsConfig(satisfied=("满意",)))
    assert found.satisfaction.numerator == 1


def test_completion_over_items_already_due() -> None:
    found = kpis(ITEMS, TODAY, ProposalsConfig(completion_base="due"))
    assert (found.completion.numerator, found.completion.denominator) == (3, 4)


def test_nothing_to_count_is_not_zero_percent() -> None:
    assert Rate(0, 0).value is None and str(Rate(0, 0)) == "—（无可统计件）"
    assert kpis([], TODAY, ProposalsConfig()).meet.value is None

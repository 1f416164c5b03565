"""建议提案 KPIs: 见面率, 沟通率, 按期办复率, 办结率, 满意率 and their configurable parts
(docs/kpi.md)."""

from __future__ import annotations

from datetime import date

import pytest

from models.deadlines.rates import Rate
from models.proposals.kpi import kpis
from models.proposals.records import Proposal
from models.proposals.settings import ProposalsConfig

TODAY = date(2026, 11, 26)


def item(
    *,
    due: date = date(2026, 6, 10),
    contacts: dict[str, date] | None = None,
    replied: date | None = None,
    rating: str = "未反馈",
    status: str = "",
) -> Proposal:
    if not status:
        status = "办理中" if replied is None else ("已办结" if rating != "未反馈" else "已答复")
    return Proposal(
        reply_due=due,
        contacts={mode: day.isoformat() for mode, day in (contacts or {}).items()},
        first_replied_on=replied,
        rating=rating,
        status=status,
    )


ITEMS = [
    # met before the reply, answered on time, 满意
    item(contacts={"面商": date(2026, 4, 1)}, replied=date(2026, 6, 1), rating="满意"),
    # met only after the reply: counts for neither; 基本满意 counts as satisfied
    item(contacts={"面商": date(2026, 6, 5)}, replied=date(2026, 6, 2), rating="基本满意"),
    # answered late, 不满意, sent back for 重办: on time no, answered no
    item(replied=date(2026, 6, 20), rating="不满意", status="重办"),
    # a phone call only, answered on time, rating never came back
    item(contacts={"电话": date(2026, 5, 1)}, replied=date(2026, 6, 9)),
    # not yet due, met in a 座谈, not answered
    item(due=date(2027, 2, 26), contacts={"座谈": date(2026, 11, 20)}),
    # answered late (still counts as answered), phoned first then met
    item(
        contacts={"电话": date(2026, 5, 1), "走访": date(2026, 5, 20)},
        replied=date(2026, 6, 30),
    ),
]


def test_formulas() -> None:
    found = kpis(ITEMS, TODAY, ProposalsConfig())
    assert found.items == 6
    assert (found.meet.numerator, found.meet.denominator) == (3, 6)  # 面商, 座谈, 走访
    assert (found.contact.numerator, found.contact.denominator) == (4, 6)  # … and 电话
    assert (found.on_time.numerator, found.on_time.denominator) == (3, 6)
    assert (found.completion.numerator, found.completion.denominator) == (4, 6)
    assert (found.satisfaction.numerator, found.satisfaction.denominator) == (2, 3)
    assert str(found.satisfaction) == "66.7%（2/3）"
    assert [name for name, _ in found.named()] == [
        "见面率",
        "沟通率",
        "按期办复率",
        "办结率",
        "满意率",
    ]


def test_a_late_answer_is_answered_but_not_on_time() -> None:
    late = kpis([item(replied=date(2026, 6, 11))], TODAY, ProposalsConfig())
    assert (late.on_time.numerator, late.completion.numerator) == (0, 1)


def test_an_item_sent_back_counts_on_time_but_not_as_answered() -> None:
    back = kpis(
        [item(replied=date(2026, 6, 1), rating="不满意", status="重办")], TODAY, ProposalsConfig()
    )
    assert (back.on_time.numerator, back.completion.numerator) == (1, 0)


def test_a_phone_call_counts_for_meetings_when_configured() -> None:
    found = kpis(ITEMS, TODAY, ProposalsConfig(meet_modes=("面商", "电话")))
    assert found.meet.numerator == 3  # 面商 before reply, 电话 ×2; 座谈/走访 no longer count


def test_unknown_contact_modes_are_refused() -> None:
    with pytest.raises(ValueError, match="联系方式应从"):
        ProposalsConfig(meet_modes=("见面",))


def test_unrated_items_count_when_configured() -> None:
    found = kpis(ITEMS, TODAY, ProposalsConfig(exclude_unrated=False))
    assert (found.satisfaction.numerator, found.satisfaction.denominator) == (2, 5)


def test_only_satisfied_counts_when_basic_is_not_enough() -> None:
    found = kpis(ITEMS, TODAY, ProposalsConfig(satisfied=("满意",)))
    assert found.satisfaction.numerator == 1


def test_on_time_over_items_already_due() -> None:
    found = kpis(ITEMS, TODAY, ProposalsConfig(completion_base="due"))
    assert (found.on_time.numerator, found.on_time.denominator) == (3, 5)


def test_nothing_to_count_is_not_zero_percent() -> None:
    assert Rate(0, 0).value is None and str(Rate(0, 0)) == "—（无可统计件）"
    assert kpis([], TODAY, ProposalsConfig()).meet.value is None

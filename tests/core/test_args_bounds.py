"""Typed arguments and the command parser under any text: a UserError with the usage, or values
within their declared range; never another exception."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import handlers
from bot.core.args import INT_MAX, INT_MIN, Param, bind_args, parse_date, parse_int
from bot.core.errors import UserError
from bot.core.routing import CommandTable, Route

TODAY = date(2026, 11, 26)
TABLE = CommandTable(handlers.ROUTERS)
QUICK = settings(max_examples=150, deadline=None)

# Text that looks like what people type: numbers of any size, dates, words, odd characters.
NUMBERS = st.one_of(
    st.integers().map(str),
    st.integers(min_value=10**18, max_value=10**40).map(lambda n: f"-{n}"),
    st.sampled_from(["99999999999999999999", "-9223372036854775809", "2147483648", "１２", "0"]),
)
TOKENS = st.one_of(NUMBERS, st.text(max_size=12), st.sampled_from(["今天", "2026-02-30", "x"]))
LINES = st.one_of(st.text(max_size=80), st.lists(TOKENS, max_size=5).map(" ".join))


def _route(name: str) -> Route:
    return next(r for r in TABLE.routes if r.name == name)


def _ints(route: Route) -> list[Param]:
    return [p for p in route.params if p.kind is int]


@QUICK
@given(name=st.sampled_from([r.name for r in TABLE.routes]), text=LINES)
def test_any_text_binds_or_is_refused_with_the_usage(name: str, text: str) -> None:
    route = _route(name)
    try:
        values = bind_args(list(route.params), text, TODAY, route.usage)
    except UserError as exc:
        assert route.usage in exc.message
        return
    for param in _ints(route):
        value = values[param.name]
        if value is not None and value is not param.default:
            low, high = param.bounds
            assert low <= value <= high


@QUICK
@given(text=LINES)
def test_matching_and_suggesting_never_raise(text: str) -> None:
    found = TABLE.match(text)
    assert found is None or found.route in TABLE.routes
    assert TABLE.suggestion(text, None)


@pytest.mark.parametrize("number", ["99999999999999999999", "-9223372036854775809", "2147483648"])
@pytest.mark.parametrize("name", ["task sign", "remind cancel", "broadcast status", "petition"])
def test_an_id_out_of_the_database_range_is_answered_with_the_usage(
    name: str, number: str
) -> None:
    route = _route(name)
    with pytest.raises(UserError) as refused:
        bind_args(list(route.params), number, TODAY, route.usage)
    assert f"应为 {INT_MIN} 到 {INT_MAX} 之间的整数" in refused.value.message
    assert route.usage in refused.value.message


def test_the_edges_of_the_range_are_taken() -> None:
    assert parse_int(str(INT_MAX)) == INT_MAX
    assert parse_int(str(INT_MIN)) == INT_MIN
    assert parse_int("+0007") == 7
    assert parse_int("１２") == 12  # full-width digits from a Chinese input method


def test_a_number_of_thousands_of_digits_gets_the_chinese_range() -> None:
    # int() alone raises an English "Exceeds the limit (4300 digits)" here
    with pytest.raises(ValueError, match="之间的整数"):
        parse_int("9" * 5000)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("workday add", "2000000000", "应为 0 到 2500 之间的整数"),
        ("ticket extend", "12345-1 100000 理由", "应为 1 到 365 之间的整数"),
        ("petition extend", "1 99999 理由", "应为 1 到 365 之间的整数"),
    ],
)
def test_counts_have_sensible_ranges(name: str, text: str, message: str) -> None:
    route = _route(name)
    with pytest.raises(UserError, match=message):
        bind_args(list(route.params), text, TODAY, route.usage)


@QUICK
@given(text=st.one_of(st.text(max_size=20), st.from_regex(r"\d{1,6}[-/.]\d{1,6}[-/.]\d{1,6}")))
def test_a_date_is_parsed_or_refused_in_chinese(text: str) -> None:
    try:
        assert isinstance(parse_date(text, TODAY), date)
    except ValueError as exc:
        assert "日期" in str(exc)

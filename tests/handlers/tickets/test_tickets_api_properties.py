"""Property tests of the ticket API: any method, path, media type, key and body (valid tickets
bent in one or two fields, any JSON, any bytes) is answered without a 5xx or a traceback, with a
Chinese error, and a refused request writes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app import App
from bot.core.clock import FakeClock
from bot.http.server import HttpServer
from handlers.tickets.api import TicketsApi
from tests.conftest import PG_SKIP, PG_URL, START, demo_app, make_config
from tests.handlers.tickets.test_tickets_api import NUMBER, TICKET
from tests.http_support import FUZZ, Served, json_values, served
from tests.support import RecordingAdapter

KEY = "fuzz-key"
odd_text = st.text("\x00\x01\x1f\t\n \u3000城关a9-", max_size=6)
values = st.one_of(
    json_values,
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(["0001-01-01T00:00:00", "9999-12-31T23:59:59", "2026-11-26T08:30:00+14:00"]),
    odd_text,
    st.sampled_from(["县水利局", "火星局", "投诉", "不满意", "12345-20261126-000124"]),
)
FIELDS = [*TICKET, "due_at", "dispatched_at", "co_units", "visit_result", "resolved", "close"]


def _spliced(field: str) -> st.SearchStrategy[tuple[str, object]]:
    """The field's valid value with odd text let in somewhere (most stay valid)."""
    valid = TICKET[field]
    return st.tuples(st.integers(0, len(valid)), odd_text).map(
        lambda cut: (field, valid[: cut[0]] + cut[1] + valid[cut[0] :])
    )


one_change = st.one_of(
    st.tuples(st.sampled_from([*FIELDS, "extra"]), values),
    *(_spliced(f) for f in TICKET if isinstance(TICKET[f], str)),
)
changes = st.lists(one_change, max_size=3).map(dict)
bent_tickets = st.builds(lambda bent: {**TICKET, **bent}, changes)
bodies = st.one_of(
    bent_tickets.map(lambda b: json.dumps(b, ensure_ascii=False).encode()),
    st.builds(lambda v: json.dumps(v).encode(), json_values),
    st.binary(max_size=200),
    st.integers(1, 5000).map(lambda n: b'{"a":' + b"[" * n + b"]" * n + b"}"),
)
paths = st.one_of(
    st.just("/api/v1/tickets"),
    st.one_of(st.just(NUMBER), st.text(min_size=1, max_size=60)).map(
        lambda n: "/api/v1/tickets/" + quote(n, safe="")
    ),
)
media = st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain"])
keys = st.sampled_from([KEY, KEY, KEY, "wrong", ""])


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def api(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Served]:
    if request.param == "postgresql" and not PG_URL:
        pytest.skip(PG_SKIP)
    clock = FakeClock(START)

    async def build(url: str) -> tuple[App, str, Any]:
        config = make_config(url, tickets={"api_clients": {"fuzz": "FUZZ"}})
        context = demo_app(config, clock, {"console": RecordingAdapter(platform="console")})
        app = await context.__aenter__()
        http = HttpServer(port=0)
        TicketsApi(app.sessions, app.config, clock, {"fuzz": KEY}).register(http)
        await http.start()

        async def cleanup() -> None:
            await http.stop()
            await context.__aexit__(None, None, None)

        return app, http.url, cleanup

    with served(request.param, sqlite_url, build) as it:
        yield it


@FUZZ
@given(
    method=st.sampled_from(["POST", "PATCH", "GET", "PUT"]),
    path=paths,
    content_type=media,
    key=keys,
    body=bodies,
)
def test_any_request_is_answered_cleanly(
    api: Served, method: str, path: str, content_type: str, key: str, body: bytes
) -> None:
    assert isinstance(api.app.clock, FakeClock)
    api.app.clock.advance(minutes=6)  # out of any lockout the wrong keys earned
    before = api.begin()
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {key}"}
    status, text = api.run(api.call(method, path, headers, body))
    api.check(status, text, before)


@FUZZ
@given(patch=st.booleans(), body=st.one_of(bent_tickets, changes))
def test_bent_tickets_and_patches_are_answered_cleanly(
    api: Served, patch: bool, body: dict[str, Any]
) -> None:
    """Well-formed requests with the right key, one to three fields bent."""
    before = api.begin()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"}
    method, path = ("PATCH", f"/api/v1/tickets/{NUMBER}") if patch else ("POST", "/api/v1/tickets")
    data = json.dumps(body, ensure_ascii=False).encode()
    status, text = api.run(api.call(method, path, headers, data))
    api.check(status, text, before)

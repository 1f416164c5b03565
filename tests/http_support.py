"""Property tests of HTTP endpoints: an App served on an event loop of its own (hypothesis runs
its examples synchronously), and the checks every answer must pass: no 5xx, no traceback in the
answer or the log, a Chinese error body, and nothing written by a refused request."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import App
from bot.store.outbox import OutboxMessage
from models.tickets.records import Ticket, TicketEvent
from tests.conftest import _pg_database, _pg_drop

T = TypeVar("T")
# One App serves every example of a test: the fixture is shared on purpose.
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CJK = re.compile(r"[\u4e00-\u9fff]")

#: Any JSON value, strings with control characters and non-BMP text among them.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


class Failures(logging.Handler):
    """Keeps every log record at ERROR or above, or carrying a traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)


@dataclass(repr=False)
class Served:
    """A running App and its HTTP server, driven from synchronous code."""

    runner: asyncio.Runner
    app: App
    base: str
    failures: Failures
    # What a refused request must not add to.
    tables: tuple[type[Any], ...] = (Ticket, TicketEvent, OutboxMessage)

    def __repr__(self) -> str:
        return f"Served({self.base})"

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` on the App's loop."""
        return self.runner.run(work)

    def begin(self) -> tuple[int, ...]:
        """Forget earlier examples' log records; the :meth:`counts` before a request."""
        self.failures.records.clear()
        return self.run(self.counts())

    async def counts(self) -> tuple[int, ...]:
        """The rows in :attr:`tables`."""
        async with self.app.sessions() as session:
            found = []
            for table in self.tables:
                count = await session.scalar(select(func.count()).select_from(table))
                found.append(int(count or 0))
            return tuple(found)

    async def call(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        data: bytes,
        params: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """One request; the status and the text answered."""
        async with (
            aiohttp.ClientSession() as http,
            http.request(
                method, self.base + path, headers=headers, data=data, params=params
            ) as resp,
        ):
            return resp.status, await resp.text()

    def check(
        self, status: int, text: str, before: tuple[int, ...], *, chinese: bool = True
    ) -> None:
        """The answer keeps the rules; after a refusal nothing was written.

        Args:
            chinese: Errors are JSON with a Chinese ``error`` (people read them); platforms'
                callbacks answer a machine, and only the status counts.
        """
        assert status < 500, (status, text)
        assert "Traceback" not in text and 'File "' not in text, text
        if status >= 400:
            if chinese:
                body = json.loads(text)
                assert isinstance(body.get("error"), str) and CJK.search(body["error"]), text
            assert self.run(self.counts()) == before, (status, text)
        assert not self.failures.records, [r.getMessage() for r in self.failures.records]


@contextmanager
def served(
    backend: str,
    sqlite_url: str,
    build: Callable[[str], Coroutine[Any, Any, tuple[App, str, Any]]],
) -> Iterator[Served]:
    """Serve what ``build(db_url)`` returns: the App, the base URL, and an async function
    that stops what it started (the App's engine is disposed of here)."""
    failures = Failures()
    root = logging.getLogger()
    root.addHandler(failures)
    with asyncio.Runner() as runner:
        url = runner.run(_pg_database()) if backend == "postgresql" else sqlite_url
        app, base, cleanup = runner.run(build(url))
        try:
            yield Served(runner, app, base, failures)
        finally:
            runner.run(cleanup())
            runner.run(app.engine.dispose())
            if backend == "postgresql":
                runner.run(_pg_drop(url))
            root.removeHandler(failures)

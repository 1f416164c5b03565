"""Fixtures: a fresh database per test (SQLite always, PostgreSQL when DUTYBOT_TEST_PG_URL is set),
a fake clock, and a wired App whose console and fake platforms record what they send."""

from __future__ import annotations

import importlib.util
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.app import App, parse_config
from bot.cli.demo import seed
from bot.config import Config
from bot.core.clock import FakeClock
from bot.testing import postgres
from models.deadlines import imported
from models.deadlines.settings import CalendarConfig
from tests.support import RecordingAdapter

PG_URL = os.environ.get("DUTYBOT_TEST_PG_URL", "")
PG_SKIP = (
    "PostgreSQL tests skipped: DUTYBOT_TEST_PG_URL is not set "
    "(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)"
)
# Browser tests drive Debian's chromium with Playwright (tests/web/test_browser.py); never a
# downloaded browser. A machine without them skips those tests and says so.
CHROMIUM = Path("/usr/bin/chromium")


def _browser_skip() -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    if not (CHROMIUM.exists() and importlib.util.find_spec("playwright")):
        return (
            f"browser tests skipped: {CHROMIUM} or the playwright package is missing "
            "(apt-get install chromium chromium-driver; pip install -e '.[dev]')"
        )
    # libfaketime's preload reaches chromium, which then spins instead of starting (measured:
    # load 50 on 2 cores, the tests time out): a faked date is checked without the browser.
    if "faketime" in os.environ.get("LD_PRELOAD", ""):
        return (
            "browser tests skipped: chromium does not start under libfaketime (LD_PRELOAD); "
            "run them without faketime"
        )
    return ""


BROWSER_SKIP = _browser_skip()
START = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # 09:00 in Asia/Shanghai
# chinese-calendar as its 1.11 release knows it (2004–2026): 2027 is "a year without data" in
# every test, whichever release is installed.
LIBRARY_UNTIL = 2026
CALENDAR = CalendarConfig(library_until=LIBRARY_UNTIL)


def pytest_report_header() -> str:
    return f"dutybot: PostgreSQL tests {'ON (' + PG_URL + ')' if PG_URL else 'OFF — ' + PG_SKIP}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not PG_URL:
        terminalreporter.write_line(f"NOTE: {PG_SKIP}")
    if BROWSER_SKIP:
        terminalreporter.write_line(f"NOTE: {BROWSER_SKIP}")


async def _pg_admin(statement: str) -> None:
    """Run one statement on the test server's maintenance database."""
    await postgres.admin(PG_URL, statement)


async def _pg_database() -> str:
    """Create an empty database on the test server and return its URL."""
    return await postgres.create_database(PG_URL)


async def _pg_drop(url: str) -> None:
    await postgres.drop_database(PG_URL, url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'dutybot.db'}"
        return
    if not PG_URL:
        pytest.skip(PG_SKIP)
    url = await _pg_database()
    yield url
    await _pg_drop(url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite database file."""
    return f"sqlite+aiosqlite:///{tmp_path / 'dutybot.db'}"


def _anchor_file(url: str) -> Path:
    database = make_url(url).database or ""
    if make_url(url).get_backend_name() == "sqlite" and database not in ("", ":memory:"):
        return Path(database).parent / "audit-anchors.log"
    return Path(tempfile.gettempdir()) / "dutybot-test-anchors" / f"{make_url(url).database}.log"


def make_config(url: str, **overrides: Any) -> Config:
    """Defaults from config.yaml's schema with a test database, quick retries and the pinned
    chinese-calendar."""
    data: dict[str, Any] = {
        "database": {"url": url},
        "channels": ["全体", "防汛", "森林防火"],
        "outbox": {"backoff_base_seconds": 2, "max_attempts": 4},
        # Next to the test database, never the tester's ~/.local/state.
        "audit": {"anchor_file": str(_anchor_file(url))},
    }
    data.update(overrides)
    data["calendar"] = {"library_until": LIBRARY_UNTIL, **data.get("calendar", {})}
    return parse_config(data, env={})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def fake() -> RecordingAdapter:
    return RecordingAdapter(platform="fake")


@pytest.fixture
def console() -> RecordingAdapter:
    return RecordingAdapter(platform="console", groups={"group:县防汛抗旱指挥部群"})


@asynccontextmanager
async def demo_app(
    config: Config, clock: FakeClock, adapters: dict[str, Any]
) -> AsyncIterator[App]:
    """A wired App on the demo county, not started (tests drive it step by step)."""
    bot = await App.create(config, clock=clock, adapters=adapters, auto_upgrade=True)
    try:
        async with bot.sessions.begin() as session:
            await seed(session, clock.now(), timedelta(hours=24))
        yield bot
    finally:
        await bot.engine.dispose()


@pytest.fixture
async def app(
    db_url: str, clock: FakeClock, fake: RecordingAdapter, console: RecordingAdapter
) -> AsyncIterator[App]:
    """The demo county with the default config; console and fake platforms record."""
    async with demo_app(make_config(db_url), clock, {"console": console, "fake": fake}) as bot:
        yield bot


@pytest.fixture(autouse=True)
def _no_imported_notices() -> Iterator[None]:
    """Each test starts and ends without imported holiday notices (a process-wide mirror)."""
    imported.install(imported.ImportedDays())
    yield
    imported.install(imported.ImportedDays())


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    os.environ.setdefault("DUTYBOT_CACHE_DIR", str(tmp_path_factory.getbasetemp()))
    yield

"""CLI tests: commands run at a pinned instant on the committed config with chinese-calendar
pinned like the rest of the suite, and a demo database reached through the environment, as
`dutybot` itself reaches it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import app
from bot.config import DEFAULT_CONFIG
from tests.conftest import LIBRARY_UNTIL

# A Thursday morning after every cron job's time: the commands never depend on today's date, and
# a `dutybot run` has no cron occurrence in the hour before it to pick up.
CLI_START = "2026-11-26T10:30:00+08:00"


@pytest.fixture(scope="session")
def pinned_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed config.yaml, but for ``calendar.library_until``."""
    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["calendar"]["library_until"] = LIBRARY_UNTIL
    folder = tmp_path_factory.mktemp("config")
    data["audit"]["anchor_file"] = str(folder / "audit-anchors.log")
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _pinned(pinned_config: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Subprocesses inherit these; a test's own config or clock start still wins."""
    monkeypatch.setenv("DUTYBOT_CLOCK_START", CLI_START)
    monkeypatch.setenv("DUTYBOT_CONFIG", str(pinned_config))
    yield


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """DUTYBOT_DATABASE_URL of a fresh SQLite file holding the demo county."""
    values = {"DUTYBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    result = CliRunner().invoke(app, ["demo"], env=values)
    assert result.exit_code == 0, result.output
    return values

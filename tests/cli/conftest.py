"""CLI tests: a demo database reached through the environment, as `dutybot` itself reaches it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """DUTYBOT_DATABASE_URL of a fresh SQLite file holding the demo county."""
    values = {"DUTYBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    result = CliRunner().invoke(app, ["demo"], env=values)
    assert result.exit_code == 0, result.output
    return values

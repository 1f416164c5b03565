"""`dutybot --help` lists every command without importing the app, its libraries or jieba, and
the listing is the commands' own help; a command's module is imported when it runs."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.lazy import COMMANDS, LazyGroup

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "sqlalchemy", "alembic", "aiohttp", "openpyxl", "jieba", "rjieba", "pydantic", "yaml",
    "models", "handlers", "schedules", "bot.app", "bot.config", "bot.store", "bot.cli.common",
)  # fmt: skip

PROBE = """
import json, sys
sys.argv = ["dutybot", *sys.argv[1:]]
from bot.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def _imported(*args: str) -> tuple[set[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = done.stdout.strip().splitlines()
    return set(json.loads(lines[-1])), "\n".join(lines[:-1])


def test_help_imports_none_of_the_app() -> None:
    modules, out = _imported("--help")
    assert [m for m in modules if m.startswith(tuple(f"{h}." for h in HEAVY)) or m in HEAVY] == []
    for name, _, text in COMMANDS:
        assert f"{name} " in out and text[:8] in out


def test_a_command_imports_its_module_only() -> None:
    modules, _ = _imported("rules", "--help")
    assert "bot.cli.rules_cmd" in modules
    assert "bot.cli.users_cmd" not in modules and "bot.cli.tickets_cmd" not in modules


def _listing(monkeypatch: pytest.MonkeyPatch, placeholders: bool) -> str:
    monkeypatch.setattr(LazyGroup, "placeholders", placeholders)
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_the_listing_is_the_commands_own_help(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _listing(monkeypatch, True) == _listing(monkeypatch, False)


def test_every_command_of_every_module_is_listed() -> None:
    listed = {name: module for name, module, _ in COMMANDS}
    for path in sorted((ROOT / "bot" / "cli").glob("*_cmd.py")):
        module = importlib.import_module(f"bot.cli.{path.stem}")
        holder = typer.Typer()
        register = getattr(module, "register", None)
        if register is not None:
            register(holder)
            names = set(typer.main.get_group(holder).commands)
        else:
            names = {name for name, owner in listed.items() if owner == path.stem}
            assert names, f"bot/cli/{path.stem}.py 的命令未登记在 bot/cli/lazy.py COMMANDS"
        assert names == {name for name, owner in listed.items() if owner == path.stem}


def test_an_unknown_command_is_refused() -> None:
    result = CliRunner().invoke(app, ["nosuch"])
    assert result.exit_code == 2 and "nosuch" in result.output

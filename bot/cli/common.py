"""Shared CLI plumbing: config, the clock, one transaction per command, clean error messages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config, ConfigError
from bot.core.clock import Clock, LiveClock, SystemClock
from bot.core.errors import UserError
from bot.core.private_files import touch_private
from bot.store import audit
from bot.store.engine import make_engine
from models.deadlines import imported

T = TypeVar("T")
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@dataclass
class State:
    """Options given before the sub-command."""

    config_path: str | None = None


state = State()


class CliClock:
    """The clock of every command: real time, unless ``--clock-start`` starts it elsewhere.

    One shared object (command modules import it by name), re-set for each invocation.
    """

    def __init__(self) -> None:
        self._clock: Clock = SystemClock()

    def start_at(self, when: datetime | None) -> None:
        """Run from ``when`` on (drills and tests), or on real time for None."""
        self._clock = SystemClock() if when is None else LiveClock(when)

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        return self._clock.now()

    async def sleep(self, seconds: float) -> None:
        """Wait in real time."""
        await self._clock.sleep(seconds)


clock = CliClock()


def parse_clock_start(text: str) -> datetime:
    """An ISO time with its UTC offset, e.g. ``2026-11-26T10:30+08:00``."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise typer.BadParameter(
            f"「{text}」应为带时区的 ISO 时间，例如 2026-11-26T10:30+08:00",
            param_hint="--clock-start",
        )
    return when


def fail(message: str) -> typer.Exit:
    """Print a message in red and give the exit to raise."""
    err_console.print(f"[red]✗ {message}[/red]")
    return typer.Exit(1)


def config() -> Config:
    """The configuration, or a clean exit naming the bad key."""
    from bot.app import load_config

    try:
        return load_config(state.config_path)
    except ConfigError as exc:
        raise fail(str(exc)) from None


class _OneLine(logging.Formatter):
    """Terminal log lines without tracebacks: those go to the log file only."""

    def format(self, record: logging.LogRecord) -> str:
        record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
        return super().format(record)


def setup_logging(log_file: Path | None = None) -> None:
    """Warnings to the terminal as one line each; everything with tracebacks to ``log_file``."""
    root = logging.getLogger()
    root.handlers.clear()
    root.setLevel(logging.INFO if log_file else logging.WARNING)
    terminal = logging.StreamHandler()
    terminal.setLevel(logging.WARNING)
    terminal.setFormatter(
        _OneLine(
            "%(levelname)s %(name)s: %(message)s（详见日志文件）"
            if log_file
            else "%(levelname)s %(name)s: %(message)s"
        )
    )
    root.addHandler(terminal)
    if log_file is not None:
        # Owner-only whatever the umask: the log names people and chats.
        touch_private(log_file)
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    for noisy in ("apscheduler", "aiohttp.access", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run(coro: Awaitable[T]) -> T:
    """Run a coroutine, turning user-facing errors into a message and exit code 1."""
    if not logging.getLogger().handlers:
        setup_logging()
    try:
        return asyncio.run(coro)  # type: ignore[arg-type]
    except (UserError, ConfigError) as exc:
        raise fail(getattr(exc, "message", str(exc))) from None
    except ValueError as exc:
        raise fail(str(exc)) from None


async def in_transaction(
    cfg: Config,
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    command: str = "",
    detail: dict[str, Any] | None = None,
) -> T:
    """Run ``work`` in one transaction on a schema-checked database; audit it when ``command``."""
    from bot.store.audit_key import keyed_sessions
    from bot.store.migrate import prepare

    engine = make_engine(cfg.database.url)
    try:
        await prepare(engine, auto_upgrade=cfg.database.url.startswith("sqlite"))
        key_file = cfg.audit.key_path(cfg.data_dir)
        async with keyed_sessions(engine, Path(cfg.data_dir), key_file).begin() as session:
            await imported.load(session)  # imported holiday notices, for every calendar used
            result = await work(session)
            if command:
                await audit.append(
                    session,
                    clock.now(),
                    audit.Entry(
                        kind="cli",
                        command=command,
                        actor="cli",
                        platform="cli",
                        detail=detail,
                    ),
                )
            return result
    finally:
        await engine.dispose()

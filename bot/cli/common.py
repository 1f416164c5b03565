"""Shared CLI plumbing: config, one transaction per command, clean error messages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config, ConfigError, load_config
from bot.core.clock import SystemClock
from bot.core.errors import UserError
from bot.db import make_engine, make_sessionmaker
from models import audit

T = TypeVar("T")
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@dataclass
class State:
    """Options given before the sub-command."""

    config_path: str | None = None


state = State()
clock = SystemClock()


def fail(message: str) -> typer.Exit:
    """Print a message in red and give the exit to raise."""
    err_console.print(f"[red]✗ {message}[/red]")
    return typer.Exit(1)


def config() -> Config:
    """The configuration, or a clean exit naming the bad key."""
    try:
        return load_config(state.config_path)
    except ConfigError as exc:
        raise fail(str(exc)) from None


def run(coro: Awaitable[T]) -> T:
    """Run a coroutine, turning user-facing errors into a message and exit code 1."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
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
    from bot.app import prepare_database

    engine = make_engine(cfg.database.url)
    try:
        await prepare_database(engine, auto_upgrade=cfg.database.url.startswith("sqlite"))
        async with make_sessionmaker(engine).begin() as session:
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

"""`dutybot db upgrade|current`: schema migrations."""

from __future__ import annotations

import typer

from bot.cli.common import config, console, run
from bot.store.engine import make_engine
from bot.store.migrate import current_revision, head_revision, upgrade

app = typer.Typer(help="数据库结构迁移 (database migrations).", no_args_is_help=True)


async def _upgrade(url: str) -> tuple[str | None, str | None]:
    engine = make_engine(url)
    try:
        before = await current_revision(engine)
        await upgrade(engine)
        return before, await current_revision(engine)
    finally:
        await engine.dispose()


async def _current(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return await current_revision(engine)
    finally:
        await engine.dispose()


@app.command("upgrade")
def upgrade_cmd() -> None:
    """升级数据库结构到最新版本 (upgrade to the newest schema)."""
    before, after = run(_upgrade(config().database.url))
    if before == after:
        console.print(f"数据库结构已是最新版本 {after}。")
    else:
        console.print(f"[green]✓[/green] 数据库结构已从 {before or '空'} 升级到 {after}。")


@app.command("current")
def current_cmd() -> None:
    """显示数据库结构版本 (show the schema revision)."""
    current = run(_current(config().database.url))
    console.print(f"当前版本：{current or '空'}；最新版本：{head_revision()}")

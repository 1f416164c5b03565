"""`dutybot db upgrade|current|backup`: schema migrations and backups."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from bot.cli.common import clock, config, console, run
from bot.store.backup import backup, default_name
from bot.store.engine import make_engine
from bot.store.migrate import current_revision, head_revision, upgrade

app = typer.Typer(
    help="数据库结构迁移与备份 (database migrations, backups).", no_args_is_help=True
)


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


@app.command("backup")
def backup_cmd(
    target: Path | None = typer.Argument(
        None, help="备份文件（默认 <data_dir>/backups/dutybot-时间.db 或 .dump）"
    ),
) -> None:
    """在线备份数据库 (back up while the bot runs): SQLite 在线备份，PostgreSQL 用 pg_dump."""
    cfg = config()
    if target is None:
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        target = Path(cfg.data_dir) / "backups" / default_name(cfg.database.url, stamp)
    done = run(asyncio.to_thread(backup, cfg.database.url, target))
    how = "SQLite 在线备份，已通过完整性检查" if done.kind == "sqlite" else "pg_dump 自定义格式"
    console.print(
        f"[green]✓[/green] 已备份到 {done.path}（{done.size:,} 字节，{how}，仅本账户可读）。"
    )
    if done.kind == "pg_dump":
        console.print(f"恢复：pg_restore --clean --if-exists -d <数据库> {done.path}")

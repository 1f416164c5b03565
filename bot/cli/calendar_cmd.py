"""`dutybot calendar import FILE`: a year's holidays from the State Council notice as published."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import clock, config, console, fail, in_transaction, run
from models.deadlines import imported
from models.deadlines.notice import Notice

app = typer.Typer(help="节假日安排 (public holidays and 调休).", no_args_is_help=True)


@app.command("import")
def import_notice(
    path: Path = typer.Argument(
        ..., help="国务院办公厅关于YYYY年部分节假日安排的通知，原文存为 UTF-8 文本 (file)"
    ),
) -> None:
    """导入当年放假与调休上班日；读不全则整份不导入 (import; all or nothing)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"读不了文件 {path}：{exc}。请将通知原文存为 UTF-8 文本文件") from None
    cfg = config()

    async def work(session: AsyncSession) -> Notice:
        return await imported.import_text(session, text, clock.now(), "cli")

    notice = run(in_transaction(cfg, work, command="calendar import", detail={"file": path.name}))
    console.print(f"[green]✓[/green] {imported.summary(notice)}")


def register(root: typer.Typer) -> None:
    """Add ``calendar`` to the root command."""
    root.add_typer(app, name="calendar")

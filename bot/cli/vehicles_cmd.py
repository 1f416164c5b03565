"""`dutybot vehicles import`: the fleet (vehicles and drivers) from an .xlsx or .csv file."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import clock, config, console, fail, in_transaction, run
from bot.core.errors import UserError
from models.vehicles import file_import

app = typer.Typer(help="公车调派：车辆与驾驶员 (vehicles and drivers).", no_args_is_help=True)


@app.command("import")
def import_fleet(
    path: Path = typer.Argument(
        ..., help="车队表 .xlsx 或 .csv：车牌、座位、车型、状态、驾驶员 (file)"
    ),
) -> None:
    """导入车辆与驾驶员；任何一行有误则全部不导入 (import the fleet; all or nothing)."""
    cfg = config()
    try:
        rows = file_import.read(path)
    except UserError as exc:
        raise fail(str(exc)) from None

    async def work(session: AsyncSession) -> str:
        return str(await file_import.apply(session, clock.now(), rows))

    text = run(in_transaction(cfg, work, command="vehicles import", detail={"file": path.name}))
    console.print(f"[green]✓[/green] 已导入 {path.name}：{text}")

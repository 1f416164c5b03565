"""`dutybot broadcast list|export`: recent broadcasts, and per-recipient evidence as xlsx."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import config, console, fail, in_transaction, run
from bot.core import exports
from bot.core.clock import LocalTime
from models.broadcast import records as bc
from models.broadcast.export import SHEET, Evidence, evidence

app = typer.Typer(help="应急广播 (emergency broadcasts).", no_args_is_help=True)


@app.command("list")
def list_cmd(limit: int = typer.Option(20, "--limit", help="最多显示条数 (rows)")) -> None:
    """列出最近的应急广播 (recent broadcasts)."""
    cfg = config()
    tz = LocalTime(cfg.timezone)

    async def work(session: AsyncSession) -> list[bc.Broadcast]:
        return await bc.recent(session, limit)

    table = Table("编号", "级别", "范围", "状态", "确认码", "发送时间", "内容")
    for b in run(in_transaction(cfg, work)):
        table.add_row(
            str(b.id),
            b.level_enum.label,
            b.scope,
            bc.BroadcastStatus(b.status).label,
            b.code,
            tz.fmt(b.sent_at),
            b.text[:30],
        )
    console.print(table)


@app.command("export")
def export(
    broadcast_id: int = typer.Argument(..., help="广播编号 (broadcast id)"),
    out: Path = typer.Option(..., "--out", "-o", help="输出文件 .xlsx (output file)"),
) -> None:
    """导出广播的逐人送达与确认记录，作考核证据 (per-recipient evidence)."""
    if out.suffix.lower() != ".xlsx":
        raise fail("输出文件应以 .xlsx 结尾")
    cfg = config()
    tz = LocalTime(cfg.timezone)

    async def work(session: AsyncSession) -> Evidence:
        return await evidence(session, broadcast_id, tz)

    found = run(
        in_transaction(cfg, work, command="broadcast export", detail={"broadcast": broadcast_id})
    )
    exports.save(out, SHEET, found.table)
    console.print(f"[green]✓[/green] 已导出 {len(found.rows)} 个接收对象到 {out}")

"""`dutybot report --period week|month --format md|xlsx|png`: the 督查通报 as text or a file."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import clock, config, console, fail, in_transaction, run
from bot.core.clock import LocalTime
from models.reports.export import draw
from models.reports.report import Period, Report, as_text, build


def report(
    period: str = typer.Option("week", "--period", help="week（上周）或 month（上月）"),
    fmt: str = typer.Option("md", "--format", help="md（文本）、xlsx 或 png（图表）"),
    output: Path | None = typer.Option(None, "-o", "--output", help="输出文件（xlsx、png 必填）"),
) -> None:
    """生成督查通报 (supervision report)."""
    if period not in ("week", "month"):
        raise fail("--period 应为 week 或 month")
    if fmt not in ("md", "xlsx", "png"):
        raise fail("--format 应为 md、xlsx 或 png")
    if fmt in ("xlsx", "png") and output is None:
        raise fail(f"{fmt} 格式请用 -o 指定输出文件，例如 -o 通报.{fmt}")
    if output is not None and not output.parent.is_dir():
        raise fail(f"输出目录 {output.parent} 不存在，请先创建或换一个路径")
    cfg = config()
    local = LocalTime(cfg.timezone)
    today = local.today(clock)
    kind: Period = "month" if period == "month" else "week"

    async def work(session: AsyncSession) -> str | Report:
        found = await build(session, kind, clock.now(), local.tz, cfg)
        if fmt in ("png", "xlsx"):
            return found  # drawn after the transaction: no database lock held while drawing
        text = as_text(found, today)
        if output is not None:
            output.write_text(text + "\n", encoding="utf-8")
            return f"已写入 {output}"
        return text

    done = run(in_transaction(cfg, work, command="report", detail={"period": period}))
    if isinstance(done, Report) and output is not None:
        output.write_bytes(draw(done, today, "png" if fmt == "png" else "xlsx"))
        done = f"已写入 {output}"
    console.print(done)


def register(app: typer.Typer) -> None:
    """Add ``report`` to the CLI."""
    app.command("report")(report)

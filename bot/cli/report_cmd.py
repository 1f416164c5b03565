"""`dutybot report --period week|month --format md|xlsx|png`: the 督查通报 as text or a file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import clock, config, console, fail, in_transaction, run
from bot.core.clock import LocalTime
from models.supervision_report import Period, Report, as_text, build
from models.tickets_kpi import table as ticket_table


def _xlsx(report: Report, path: Path, today: date) -> None:
    from openpyxl import Workbook

    book = Workbook()
    units = book.active
    units.title = "分单位"
    units.append([report.title, f"{report.start} 至 {report.end}"])
    units.append(
        ["单位", "到期", "按期办结", "按期办结率", "在办", "超期", "黄牌", "橙牌", "红牌"]
    )
    for row in [*report.units, report.total]:
        rate = row.rate.value
        units.append(
            [
                row.unit,
                row.due,
                row.on_time,
                None if rate is None else round(rate, 4),
                row.open,
                row.overdue,
                *row.cards.values(),
            ]
        )
    overdue = book.create_sheet("超期事项")
    overdue.append(["编号", "事项", "承办单位", "期限", "超期天数", "红黄牌", "督办等级", "状态"])
    for item in report.overdue:
        overdue.append(
            [
                item.id,
                item.title,
                item.lead_org.name,
                item.due_date,
                (today - item.due_date).days,
                item.card,
                item.escalation,
                item.status,
            ]
        )
    proposals = book.create_sheet("建议提案")
    proposals.append(["指标", "比率", "分子", "分母"])
    for name, kpi in (
        ("见面率", report.proposals.meet),
        ("办结率", report.proposals.completion),
        ("满意率", report.proposals.satisfaction),
    ):
        proposals.append([name, kpi.value, kpi.numerator, kpi.denominator])
    tickets = book.create_sheet("12345工单")
    for line in ticket_table(report.tickets):
        tickets.append(line)
    book.save(path)


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
        if fmt == "png":
            return found  # drawn after the transaction: no database lock held while rendering
        if fmt == "xlsx" and output is not None:
            _xlsx(found, output, today)
            return f"已写入 {output}"
        text = as_text(found, today)
        if output is not None:
            output.write_text(text + "\n", encoding="utf-8")
            return f"已写入 {output}"
        return text

    done = run(in_transaction(cfg, work, command="report", detail={"period": period}))
    if isinstance(done, Report) and output is not None:
        from models.supervision_chart import render_png  # matplotlib only when a chart is asked

        output.write_bytes(render_png(done))
        done = f"已写入 {output}"
    console.print(done)


def register(app: typer.Typer) -> None:
    """Add ``report`` to the CLI."""
    app.command("report")(report)

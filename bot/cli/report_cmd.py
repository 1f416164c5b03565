"""`dutybot report --period week|month --format md|xlsx`: the 督查通报 for files and printing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import clock, config, console, fail, in_transaction, run
from bot.core.clock import LocalTime
from models.supervision_report import Period, Report, as_text, build


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
    book.save(path)


def report(
    period: str = typer.Option("week", "--period", help="week（上周）或 month（上月）"),
    fmt: str = typer.Option("md", "--format", help="md（文本）或 xlsx"),
    output: Path | None = typer.Option(None, "-o", "--output", help="输出文件（xlsx 必填）"),
) -> None:
    """生成督查通报 (supervision report)."""
    if period not in ("week", "month"):
        raise fail("--period 应为 week 或 month")
    if fmt not in ("md", "xlsx"):
        raise fail("--format 应为 md 或 xlsx")
    if fmt == "xlsx" and output is None:
        raise fail("xlsx 格式请用 -o 指定输出文件，例如 -o 通报.xlsx")
    cfg = config()
    local = LocalTime(cfg.timezone)
    today = local.today(clock)
    kind: Period = "month" if period == "month" else "week"

    async def work(session: AsyncSession) -> str:
        found = await build(session, kind, today, local.tz, cfg.proposals)
        if fmt == "xlsx" and output is not None:
            _xlsx(found, output, today)
            return f"已写入 {output}"
        text = as_text(found, today)
        if output is not None:
            output.write_text(text + "\n", encoding="utf-8")
            return f"已写入 {output}"
        return text

    console.print(run(in_transaction(cfg, work, command="report", detail={"period": period})))


def register(app: typer.Typer) -> None:
    """Add ``report`` to the CLI."""
    app.command("report")(report)

"""`dutybot rules` (the time-limit table in force) and `dutybot workday add N DATE`."""

from __future__ import annotations

from datetime import date

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import config, console, fail, in_transaction, run
from bot.config.rules import DOMAINS
from models.deadlines.calendar import WorkCalendar
from models.deadlines.compute import workday_answer
from models.deadlines.settings import CALENDAR

workday_app = typer.Typer(help="工作日计算 (working-day calculator).", no_args_is_help=True)


def rules(
    domain: str = typer.Option(
        None,
        "--domain",
        help="只看某类：信访/建议提案/12345/督办/信息报送/公车/会务/公文 (filter)",
    ),
) -> None:
    """打印时限规则表及其依据 (print the rule table)."""
    shown = ""
    for rule_id, rule in config().rules.items():
        if domain and rule.domain != domain:
            continue
        if rule.domain != shown:
            shown = rule.domain
            console.print(f"[bold]【{shown}】[/bold]")
        console.print(f"  {rule_id}  {rule.name}：{rule.limit}\n      依据：{rule.basis}")
    if not shown:
        raise fail(f"没有类别为「{domain}」的规则，可选：{'、'.join(DOMAINS)}")


@workday_app.command("add")
def add(
    count: int = typer.Argument(..., help="工作日数 (number of working days)"),
    start: str = typer.Argument(..., help="起始日期 YYYY-MM-DD (start date, not counted)"),
) -> None:
    """计算某日之后第 N 个工作日 (the N-th working day after DATE)."""
    try:
        day = date.fromisoformat(start)
    except ValueError:
        raise fail(f"日期「{start}」格式不对，应为 YYYY-MM-DD，例如 2023-09-27") from None
    cfg = config()

    async def work(_: AsyncSession) -> list[str]:  # the session loads imported notices
        return workday_answer(WorkCalendar(CALENDAR.of(cfg)), day, count)

    for line in run(in_transaction(cfg, work)):
        console.print(line)


def register(app: typer.Typer) -> None:
    """Add ``rules`` and ``workday`` to the CLI."""
    app.command("rules")(rules)
    app.add_typer(workday_app, name="workday")

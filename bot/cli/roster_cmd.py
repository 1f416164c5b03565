"""`dutybot roster import|export|generate`: the duty roster as xlsx/CSV files and fair rotation;
`dutybot triage`: the duty-log triage rules applied to lines from stdin."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import clock, config, console, err_console, fail, in_transaction, run
from bot.core import spreadsheets
from bot.core.args import parse_date
from bot.core.clock import LocalTime
from bot.core.roles import Role
from models.deadlines.calendar import WorkCalendar
from models.deadlines.settings import CALENDAR
from models.directory.users import users_with_role
from models.duty import file_import as duty_import
from models.duty import records as duty
from models.duty import roster as duty_roster
from models.duty import rotation as duty_rotation
from models.duty.settings import DUTY
from models.duty.triage import Triager

app = typer.Typer(help="值班排班表 (duty roster).", no_args_is_help=True)


def _day(value: str, today: date) -> date:
    try:
        return parse_date(value, today)
    except ValueError as exc:
        raise fail(f"日期「{value}」有误：{exc}") from None


def _range(start: str, end: str, today: date) -> tuple[date, date]:
    first, last = _day(start, today), _day(end, today)
    if last < first:
        raise fail("截止日期早于起始日期")
    return first, last


@app.command("import")
def import_roster(
    path: Path = typer.Argument(
        ..., help="排班表 .xlsx 或 .csv：日期、班次、带班领导、值班员、备班、电话 (file)"
    ),
) -> None:
    """导入排班表；任何一行有误则全部不导入 (import a roster file; all or nothing)."""
    cfg = config()
    tz = LocalTime(cfg.timezone)

    async def work(session: AsyncSession) -> str:
        specs = await duty_import.resolve(
            session, DUTY.of(cfg), spreadsheets.read_rows(path), tz.today(clock)
        )
        summary = await duty_roster.apply(session, clock.now(), DUTY.of(cfg), tz, specs)
        return summary.text()

    text = run(in_transaction(cfg, work, command="roster import", detail={"file": path.name}))
    console.print(f"[green]✓[/green] 已导入 {path.name}：{text}")


@app.command("export")
def export_roster(
    start: str = typer.Option(..., "--from", help="起始日期（含）(from)"),
    end: str = typer.Option(..., "--to", help="截止日期（含）(to)"),
    path: Path = typer.Argument(..., help="输出文件 .xlsx 或 .csv (output file)"),
) -> None:
    """导出一段时间的排班表 (export the roster)."""
    cfg = config()
    first, last = _range(start, end, LocalTime(cfg.timezone).today(clock))

    async def work(session: AsyncSession) -> list[list[str]]:
        return duty_import.to_rows(await duty.slots_between(session, first, last))

    rows = run(in_transaction(cfg, work))
    try:
        duty_import.write_rows(path, rows)
    except OSError as exc:  # a locked or unwritable file: say so, no traceback
        raise fail(f"无法写入 {path}：{exc}") from None
    console.print(f"[green]✓[/green] 已导出 {len(rows) - 1} 个班次到 {path}")


@app.command("generate")
def generate(
    start: str = typer.Option(..., "--from", help="起始日期（含）(from)"),
    end: str = typer.Option(..., "--to", help="截止日期（含）(to)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只显示，不写入 (preview only)"),
) -> None:
    """按轮换公平排班：次数均衡、不连班、节假日分散 (generate a fair rotation)."""
    cfg = config()
    tz = LocalTime(cfg.timezone)
    first, last = _range(start, end, tz.today(clock))

    async def work(session: AsyncSession) -> tuple[duty_rotation.Rotation, str, dict[int, str]]:
        officers = await users_with_role(session, Role.OFFICER)
        leaders = await users_with_role(session, Role.LEADER)
        names = {u.id: u.name for u in [*officers, *leaders]}
        plan = duty_rotation.generate(
            DUTY.of(cfg),
            WorkCalendar(CALENDAR.of(cfg)),
            first,
            last,
            [u.id for u in officers],
            [u.id for u in leaders],
        )
        if dry_run:
            return plan, "（预览，未写入）", names
        summary = await duty_roster.apply(session, clock.now(), DUTY.of(cfg), tz, plan.specs)
        return plan, summary.text(), names

    plan, text, names = run(
        in_transaction(
            cfg,
            work,
            command="" if dry_run else "roster generate",
            detail={"from": str(first), "to": str(last)},
        )
    )
    for warning in plan.warnings:
        err_console.print(f"[yellow]⚠ {warning}[/yellow]")
    counts = "，".join(f"{names[uid]} {n} 次" for uid, n in sorted(plan.counts.items()))
    console.print(f"[green]✓[/green] 已排 {first}—{last}：{text}")
    console.print(f"  值班次数：{counts}")


def triage() -> None:
    """从标准输入逐行研判分类与级别，每行输出一个 JSON (classify stdin lines)."""
    triager = Triager(DUTY.of(config()).triage)
    for line in sys.stdin:
        text = line.strip()
        if text:
            print(json.dumps(triager.classify(text).as_dict(), ensure_ascii=False), flush=True)


def register(root: typer.Typer) -> None:
    """Add ``roster`` and ``triage`` to the root command."""
    root.add_typer(app, name="roster")
    root.command("triage")(triage)

"""`dutybot audit verify|export`: check the hash chain; export rows to CSV or xlsx as evidence."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import config, console, fail, in_transaction, run
from bot.core import exports
from bot.core.args import parse_date
from bot.core.clock import LocalTime
from bot.store import audit

app = typer.Typer(help="审计日志 (audit log).", no_args_is_help=True)
COLUMNS = ("序号", "时间", "类别", "人员", "角色", "平台", "会话", "命令", "结果", "详情", "哈希")


@app.command("verify")
def verify() -> None:
    """校验审计日志哈希链，指出第一条被篡改的记录 (verify the chain)."""
    result = run(in_transaction(config(), audit.verify))
    if result.ok:
        console.print(f"[green]✓[/green] 审计日志完整：共校验 {result.checked} 条。")
        return
    raise fail(
        f"审计日志第 {result.first_bad_seq} 条异常：{result.reason}"
        f"（此前 {result.checked} 条完好）"
    )


def _day(value: str, today: date) -> date:
    try:
        return parse_date(value, today)
    except ValueError as exc:
        raise fail(f"日期「{value}」有误：{exc}") from None


@app.command("export")
def export(
    start: str = typer.Option(..., "--from", help="起始日期（含），如 2026-11-01 (from, local)"),
    end: str = typer.Option(..., "--to", help="截止日期（含），如 2026-11-30 (to, local)"),
    out: Path = typer.Option(..., "--out", "-o", help="输出文件 .csv 或 .xlsx (output file)"),
) -> None:
    """导出一段时间的审计记录为 CSV 或 xlsx (export rows)."""
    cfg = config()
    tz = LocalTime(cfg.timezone)
    from bot.cli.common import clock

    today = tz.today(clock)
    first, last = _day(start, today), _day(end, today)
    if last < first:
        raise fail("截止日期早于起始日期")
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise fail("输出文件应以 .csv 或 .xlsx 结尾")

    async def work(session: AsyncSession) -> list[tuple[object, ...]]:
        rows = audit.iter_rows(
            session, tz.start_of_day(first), tz.start_of_day(last + timedelta(days=1))
        )
        return [
            (
                r.seq,
                tz.fmt(r.ts, with_seconds=True),
                r.kind,
                r.actor,
                r.roles,
                r.platform,
                r.chat,
                r.command,
                r.outcome,
                "" if r.detail is None else str(r.detail),
                r.hash,
            )
            async for r in rows
        ]

    rows = run(
        in_transaction(
            cfg, work, command="audit export", detail={"from": str(first), "to": str(last)}
        )
    )
    exports.save(out, "审计日志", [COLUMNS, *rows])
    console.print(f"[green]✓[/green] 已导出 {len(rows)} 条记录到 {out}")

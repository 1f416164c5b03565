"""`dutybot audit verify|anchor|export`: check the keyed chain against the anchors outside the
database, anchor the head now, export rows to CSV or xlsx as evidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import config, console, fail, in_transaction, run
from bot.core import exports
from bot.core.args import parse_date
from bot.core.clock import LocalTime
from bot.store import audit_anchor, audit_export, audit_verify

app = typer.Typer(help="审计日志 (audit log).", no_args_is_help=True)


@app.command("verify")
def verify() -> None:
    """校验审计日志：密钥哈希链并对照审计校验码，列出缺失与被改动的记录 (verify)."""
    from bot.cli.common import clock

    cfg = config()
    path = cfg.audit.anchor_path()
    anchors, unreadable = audit_anchor.read(path)

    async def work(session: AsyncSession) -> audit_verify.VerifyResult:
        return await audit_verify.verify(session, anchors, clock.now(), cfg.audit.retention_months)

    result = run(in_transaction(cfg, work))
    if not anchors:
        result.notes.append(
            f"锚点文件 {path} 中还没有审计校验码，无法发现被删除的末尾记录："
            "dutybot run 每天自动生成，也可运行 dutybot audit anchor"
        )
    for note in result.notes:
        console.print(f"[yellow]![/yellow] {note}")
    problems = [text for _, text in result.problems] + unreadable
    if not problems:
        legacy = f"，其中 {result.legacy} 条为启用密钥前的记录" if result.legacy else ""
        console.print(
            f"[green]✓[/green] 审计日志完整：共校验 {result.checked} 条{legacy}，"
            f"对照审计校验码 {result.anchors} 个。"
        )
        return
    raise fail(
        "审计日志异常：\n"
        + "\n".join(f"  - {text}" for text in problems)
        + f"\n（共校验 {result.checked} 条）处理：保全数据库和锚点文件 {path} 的副本，"
        "按网络安全事件应急预案上报。"
    )


@app.command("anchor")
def anchor() -> None:
    """立即生成审计校验码并追加到锚点文件（每天也会自动生成）(anchor the head now)."""
    from bot.cli.common import clock

    cfg = config()

    async def work(session: AsyncSession) -> audit_anchor.Anchor:
        return await audit_anchor.take(session, clock.now())

    taken = run(in_transaction(cfg, work, command="audit anchor"))
    path = cfg.audit.anchor_path()
    try:
        audit_anchor.append(path, taken)
    except OSError as exc:
        raise fail(
            f"无法写入锚点文件 {path}：{exc}。请修改 audit.anchor_file 或目录权限"
        ) from None
    console.print(
        f"[green]✓[/green] 审计校验码 {taken.code}（链尾第 {taken.seq} 条）已追加到 {path}"
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
        return await audit_export.table(session, tz, first, last)

    rows = run(
        in_transaction(
            cfg, work, command="audit export", detail={"from": str(first), "to": str(last)}
        )
    )
    exports.save(out, audit_export.SHEET, rows)
    console.print(f"[green]✓[/green] 已导出 {len(rows) - 1} 条记录到 {out}")

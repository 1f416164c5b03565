"""`dutybot outbox list|retry`: see what is queued or failed, and queue failed messages again."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import clock, config, console, fail, in_transaction, run
from bot.core.clock import LocalTime
from bot.store import outbox, outbox_admin

app = typer.Typer(help="投递队列 (delivery outbox).", no_args_is_help=True)


@app.command("list")
def list_cmd(
    failed: bool = typer.Option(False, "--failed", help="只看投递失败的 (failed only)"),
    limit: int = typer.Option(50, "--limit", help="最多显示条数 (rows)"),
) -> None:
    """列出投递队列中的消息，最新在前 (list outbox rows)."""
    cfg = config()
    tz = LocalTime(cfg.timezone)
    status = outbox.OutboxStatus.FAILED if failed else None

    async def work(session: AsyncSession) -> list[outbox.OutboxMessage]:
        return await outbox_admin.list_rows(session, status, limit)

    table = Table("编号", "目标", "类别", "状态", "次数", "下次/完成", "错误", "内容")
    for r in run(in_transaction(cfg, work)):
        table.add_row(
            str(r.id),
            r.target,
            r.kind,
            r.status,
            str(r.attempts),
            tz.fmt(r.sent_at or r.next_attempt_at),
            r.last_error or "",
            outbox_admin.summary(r.payload, 30),
        )
    console.print(table)


@app.command("retry")
def retry(
    ids: list[int] = typer.Argument(None, help="要重投的编号；与 --all 二选一 (row ids)"),
    every: bool = typer.Option(False, "--all", help="重投全部失败消息 (all failed)"),
) -> None:
    """把投递失败的消息重新排队 (queue failed rows again)."""
    if not ids and not every:
        raise fail("请给出编号，或用 --all 重投全部失败消息")

    async def work(session: AsyncSession) -> int:
        return await outbox_admin.retry_failed(session, clock.now(), None if every else ids)

    count = run(
        in_transaction(config(), work, command="outbox retry", detail={"ids": ids or "all"})
    )
    if count == 0:
        raise fail("没有可重投的失败消息（编号不存在或不是失败状态）")
    console.print(f"[green]✓[/green] 已重新排队 {count} 条；机器人运行时会立即投递。")

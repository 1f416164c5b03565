"""`dutybot tickets import FILE` and `dutybot tickets search WORDS`: 12345 tickets from files."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import clock, config, console, in_transaction, run
from bot.core.clock import LocalTime
from bot.core.context import WorkContext
from handlers.tickets.intake import announce
from models.tickets.file_import import Summary, import_file
from models.tickets.records import Ticket
from models.tickets.search import search, teach
from models.tickets.settings import TICKETS

app = typer.Typer(help="12345 工单 (hotline tickets).", no_args_is_help=True)


@app.command("import")
def import_tickets(
    path: Path = typer.Argument(
        ..., help="工单表 .xlsx 或 .csv，列见 README「12345 工单接口」(file)"
    ),
    notify: bool = typer.Option(
        True, "--notify/--quiet", help="新工单通知承办单位联络员 (tell liaisons of new tickets)"
    ),
) -> None:
    """导入工单（按编号新建或更新）；任何一行有误则全部不导入 (import; all or nothing)."""
    cfg = config()

    async def work(session: AsyncSession) -> Summary:
        ctx = WorkContext(
            session=session, clock=clock, config=cfg, tz=LocalTime(cfg.timezone), now=clock.now()
        )
        summary = await import_file(ctx, path)
        if notify:  # the 派单 notices and duplicate hints, after every row was taken
            for taken in summary.taken:
                await announce(ctx, taken)
        return summary

    summary = run(in_transaction(cfg, work, command="tickets import", detail={"file": path.name}))
    console.print(f"[green]✓[/green] {path.name}：{summary}")


@app.command("search")
def search_tickets(
    words: str = typer.Argument(..., help='关键词，空格分隔，如 "路灯 不亮" (keywords)'),
    limit: int = typer.Option(20, "--limit", "-n", help="最多显示几张 (max results)"),
) -> None:
    """按关键词搜索工单内容和地址，新的在前 (keyword search, newest first)."""
    cfg = config()
    local = LocalTime(cfg.timezone)
    teach(TICKETS.of(cfg).dictionary)

    async def work(session: AsyncSession) -> list[Ticket]:
        ids = await search(session, words, limit=limit)
        found = {t.id: t for t in await session.scalars(select(Ticket).where(Ticket.id.in_(ids)))}
        return [found[i] for i in ids]

    tickets = run(in_transaction(cfg, work))
    if not tickets:
        console.print(f"没有找到含「{words}」的工单")
        raise typer.Exit(1)
    for t in tickets:
        console.print(
            f"{t.number}  {local.fmt(t.received_at)}  {t.status}  {t.unit}  {t.content[:40]}"
        )


def register(root: typer.Typer) -> None:
    """Add ``tickets`` to the root command."""
    root.add_typer(app, name="tickets")

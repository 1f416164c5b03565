"""`dutybot submission open|import`: open the next holiday's 值班表报备, and take a unit's roster
from an .xlsx or .csv file — the files chat cannot carry yet (no platform's inbound files reach
the bot)."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import clock, config, console, in_transaction, run
from bot.core.clock import LocalTime
from bot.core.context import WorkContext
from handlers.submissions import cards
from models.directory.users import find_user
from models.submissions import records as sub
from models.submissions import roster

app = typer.Typer(help="信息报送与值班表报备 (collections from units).", no_args_is_help=True)


@app.command("import")
def import_roster(
    task_id: int = typer.Argument(..., help="值班表报备任务编号 (task number)"),
    path: Path = typer.Argument(
        ..., help="值班表 .xlsx 或 .csv：日期、班次、带班领导、值班人员、值班电话 (file)"
    ),
    by: str = typer.Option(..., "--by", help="报送人（该单位联络员）姓名或 姓名@单位 (submitter)"),
) -> None:
    """导入一个单位的节假日值班表；任何一行有误则全部不导入 (import; all or nothing)."""
    cfg = config()

    async def work(session: AsyncSession) -> str:
        task = await sub.get(session, task_id)
        person = await find_user(session, by)
        taken = await roster.submit_file(session, cfg, clock.now(), task, person, path)
        late = "（已过截止时间，记为迟报）" if taken.late else ""
        return f"{person.org.name} 报送 {task.label}：值班安排 {len(taken.entry.rows)} 条{late}"

    detail = {"file": path.name, "task": task_id}
    text = run(in_transaction(cfg, work, command="submission import", detail=detail))
    console.print(f"[green]✓[/green] 已导入 {path.name}：{text}")


@app.command("open")
def open_roster(
    units: str = typer.Option(
        "", "--units", help="报送单位，用、分隔；默认 submissions.roster.units (units)"
    ),
) -> None:
    """发起下一个法定节假日的值班表报备并通知各单位联络员 (open the next holiday's roster task)."""
    cfg = config()
    local = LocalTime(cfg.timezone)

    async def work(session: AsyncSession) -> str:
        ctx = WorkContext(session=session, clock=clock, config=cfg, tz=local, now=clock.now())
        task, _, new = await roster.open_roster(
            session, cfg, local.tz, ctx.now, created_by=None, units=units or None
        )
        if not new:
            return f"已发起过：{task.label}"
        found = await sub.units_of(session, task.id)
        notice = cards.notice(task)
        unreached = await cards.announce(ctx, task, found, "open", lambda _: notice)
        return cards.opened(task, found, unreached).text

    console.print(run(in_transaction(cfg, work, command="submission open")))

"""`dutybot groups add|list|remove`: group chats and their channel tags."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import clock, config, console, in_transaction, run
from bot.core.errors import UserError
from bot.core.messages import Target
from models.directory import groups

app = typer.Typer(help="群聊登记与频道 (group chats and channels).", no_args_is_help=True)


@app.command("add")
def add(
    target: str = typer.Option(
        ..., "--target", help="群地址，如 telegram:-100123 (group address)"
    ),
    channel: list[str] = typer.Option(..., "--channel", help="频道，可重复 (channel tag)"),
    title: str = typer.Option("", "--title", help="群名称 (title)"),
) -> None:
    """登记群聊或为其增加频道 (register a group)."""
    cfg = config()

    async def work(session: AsyncSession) -> str:
        tags = groups.check_channels(channel, cfg.channels)
        group, created = await groups.register(
            session, target=Target.parse(target), title=title, channels=tags, now=clock.now()
        )
        return f"{'已登记' if created else '已更新'}「{group.title}」：{'、'.join(group.channels)}"

    console.print(
        "[green]✓[/green] "
        + run(
            in_transaction(
                cfg, work, command="groups add", detail={"target": target, "channels": channel}
            )
        )
    )


@app.command("list")
def list_cmd(channel: str = typer.Option(None, "--channel", help="只看某频道 (filter)")) -> None:
    """列出已登记的群 (list groups)."""

    async def work(session: AsyncSession) -> list[groups.ChatGroup]:
        return await groups.list_groups(session, channel)

    table = Table("编号", "名称", "地址", "频道")
    for g in run(in_transaction(config(), work)):
        table.add_row(str(g.id), g.title, str(g.target), "、".join(g.channels))
    console.print(table)


@app.command("remove")
def remove(
    target: str = typer.Option(..., "--target", help="群地址 (group address)"),
    channel: list[str] = typer.Option(None, "--channel", help="要移除的频道；不写则注销该群"),
) -> None:
    """移除群的频道或注销该群 (remove channels or the group)."""

    async def work(session: AsyncSession) -> str:
        group = await groups.find(session, Target.parse(target))
        if group is None:
            raise UserError(f"{target} 尚未登记")
        tags = channel or group.channels
        await groups.untag(session, group, tags)
        return f"已从「{group.title}」移除：{'、'.join(tags)}"

    console.print(
        "[green]✓[/green] "
        + run(in_transaction(config(), work, command="groups remove", detail={"target": target}))
    )

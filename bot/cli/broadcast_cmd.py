"""`dutybot broadcast list|export`: recent broadcasts, and per-recipient evidence as xlsx."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import config, console, fail, in_transaction, run
from bot.core import exports
from bot.core.clock import LocalTime
from models.broadcast import records as bc
from models.broadcast.state import DELIVERY_LABELS, RecipientState, progress
from models.directory.users import User

app = typer.Typer(help="应急广播 (emergency broadcasts).", no_args_is_help=True)
COLUMNS = (
    "类型",
    "接收对象",
    "单位",
    "地址",
    "发送内容",
    "送达状态",
    "送达时间",
    "已读时间",
    "确认时间",
    "确认平台",
    "确认人",
    "提醒次数",
    "上报时间",
    "异常说明",
)
UNREAD = "平台未提供"  # Telegram and WeCom report no read state; DingTalk's comes with issue 8


@app.command("list")
def list_cmd(limit: int = typer.Option(20, "--limit", help="最多显示条数 (rows)")) -> None:
    """列出最近的应急广播 (recent broadcasts)."""
    cfg = config()
    tz = LocalTime(cfg.timezone)

    async def work(session: AsyncSession) -> list[bc.Broadcast]:
        query = select(bc.Broadcast).order_by(bc.Broadcast.id.desc()).limit(limit)
        return list(await session.scalars(query))

    table = Table("编号", "级别", "范围", "状态", "确认码", "发送时间", "内容")
    for b in run(in_transaction(cfg, work)):
        table.add_row(
            str(b.id),
            b.level_enum.label,
            b.scope,
            bc.BroadcastStatus(b.status).label,
            b.code,
            tz.fmt(b.sent_at),
            b.text[:30],
        )
    console.print(table)


def _row(state: RecipientState, text: str, tz: LocalTime, ackers: dict[int, str]) -> list[str]:
    r, ack = state.recipient, state.ack
    return [
        "群" if state.is_group else "个人",
        r.name,
        r.org,
        "、".join(r.targets),
        text,
        DELIVERY_LABELS[state.delivery] if state.delivery else "未发送",
        tz.fmt(state.sent_at, with_seconds=True),
        UNREAD,
        tz.fmt(ack.acked_at, with_seconds=True) if ack else "",
        ack.platform if ack else "",
        ackers.get(ack.user_id, "") if ack else "",
        str(r.renotified),
        tz.fmt(r.escalated_at, with_seconds=True),
        "；".join(state.errors),
    ]


@app.command("export")
def export(
    broadcast_id: int = typer.Argument(..., help="广播编号 (broadcast id)"),
    out: Path = typer.Option(..., "--out", "-o", help="输出文件 .xlsx (output file)"),
) -> None:
    """导出广播的逐人送达与确认记录，作考核证据 (per-recipient evidence)."""
    if out.suffix.lower() != ".xlsx":
        raise fail("输出文件应以 .xlsx 结尾")
    cfg = config()
    tz = LocalTime(cfg.timezone)

    async def work(session: AsyncSession) -> tuple[list[str], list[list[str]]]:
        found = await bc.get(session, broadcast_id)
        states = await progress(session, found.id)
        ids = [s.ack.user_id for s in states if s.ack] + [found.created_by]
        names = dict(
            (await session.execute(select(User.id, User.name).where(User.id.in_(ids)))).all()
        )
        head = [
            found.title,
            f"状态：{bc.BroadcastStatus(found.status).label}",
            f"发布人：{names.get(found.created_by, '')}",
            f"发送时间：{tz.fmt(found.sent_at, with_seconds=True)}",
            f"撤回时间：{tz.fmt(found.cancelled_at, with_seconds=True)}",
        ]
        return head, [_row(s, found.text, tz, names) for s in states]

    head, rows = run(
        in_transaction(cfg, work, command="broadcast export", detail={"broadcast": broadcast_id})
    )
    exports.save(out, "送达与确认", [head, list(COLUMNS), *rows])
    console.print(f"[green]✓[/green] 已导出 {len(rows)} 个接收对象到 {out}")

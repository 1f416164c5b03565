"""A broadcast's per-recipient evidence (送达与确认) as spreadsheet rows: what
``dutybot broadcast export`` writes and the dashboard's export button sends, from one code path."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import LocalTime
from models.broadcast import records as bc
from models.broadcast.state import DELIVERY_LABELS, RecipientState, progress
from models.directory.users import User

SHEET = "送达与确认"
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


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sheet: a head line about the broadcast, the column names, one row per recipient."""

    broadcast_id: int
    head: list[str]
    rows: list[list[str]]

    @property
    def table(self) -> list[list[str]]:
        """Every row of the sheet, in order."""
        return [self.head, list(COLUMNS), *self.rows]

    @property
    def file_name(self) -> str:
        """``广播5_送达与确认.xlsx``."""
        return f"广播{self.broadcast_id}_{SHEET}.xlsx"


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


async def evidence(session: AsyncSession, broadcast_id: int, tz: LocalTime) -> Evidence:
    """Every recipient's delivery and acknowledgement of one broadcast.

    Raises:
        UserError: no such broadcast.
    """
    found = await bc.get(session, broadcast_id)
    states = await progress(session, found.id)
    ids = [s.ack.user_id for s in states if s.ack] + [found.created_by]
    names = {
        row.id: row.name
        for row in await session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    }
    head = [
        found.title,
        f"状态：{bc.BroadcastStatus(found.status).label}",
        f"发布人：{names.get(found.created_by, '')}",
        f"发送时间：{tz.fmt(found.sent_at, with_seconds=True)}",
        f"撤回时间：{tz.fmt(found.cancelled_at, with_seconds=True)}",
    ]
    return Evidence(found.id, head, [_row(s, found.text, tz, names) for s in states])

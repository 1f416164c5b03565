"""The audit log as evidence rows for a spreadsheet: what ``dutybot audit export`` writes and the
dashboard's export button sends, from one code path (cells made safe by bot/core/exports.py)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import LocalTime
from bot.store.audit import iter_rows

SHEET = "审计日志"
COLUMNS = ("序号", "时间", "类别", "人员", "角色", "平台", "会话", "命令", "结果", "详情", "哈希")


async def table(
    session: AsyncSession, tz: LocalTime, first: date, last: date
) -> list[tuple[object, ...]]:
    """The header and every row of the local days ``first`` to ``last`` (both included), in
    chain order."""
    start, end = tz.start_of_day(first), tz.start_of_day(last + timedelta(days=1))
    rows: list[tuple[object, ...]] = [COLUMNS]
    async for r in iter_rows(session, start, end):
        rows.append(
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
        )
    return rows


def file_name(first: date, last: date) -> str:
    """``审计日志_2026-11-01_2026-11-30.xlsx``."""
    return f"{SHEET}_{first}_{last}.xlsx"

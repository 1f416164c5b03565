"""`dutybot status`: how full the queues are, what waits longest, the running instances,
each platform's state and this month's SMS and calls per unit, read from the database (works
whether or not the bot is running)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import clock, config, console, in_transaction, run
from bot.core.clock import LocalTime
from bot.store import observe
from bot.store.outbox import Priority
from models.directory import phone_contacts

STATUS = {
    "pending": "待发送",
    "sending": "发送中",
    "sent": "已发送",
    "failed": "失败",
    "cancelled": "已取消",
    "uncertain": "不确定",
    "claimed": "执行中",
    "done": "已完成",
}
DUE_STATUS = {**STATUS, "pending": "待执行"}
PRIORITY: dict[int, str] = {
    Priority.EMERGENCY: "紧急",
    Priority.INTERACTIVE: "回复",
    Priority.ROUTINE: "例行",
}


@dataclass
class Snapshot:
    """What `dutybot status` shows."""

    depths: observe.Depths
    platforms: dict[str, observe.PlatformQueue]
    instances: list[dict[str, Any]]
    phone_counts: list[tuple[str, str, int]]


def _age(now: datetime, then: datetime | None) -> str:
    if then is None:
        return "无"
    minutes = int((now - then).total_seconds() // 60)
    return f"{minutes // 60} 小时 {minutes % 60} 分钟" if minutes >= 60 else f"{minutes} 分钟"


def status() -> None:
    """查看运行状态：队列深度、最久未发、到期延迟、实例与平台 (queues, lag, instances)."""
    cfg = config()
    tz = LocalTime(cfg.timezone)

    month = tz.local(clock.now()).date().replace(day=1)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)

    async def work(session: AsyncSession) -> Snapshot:
        return Snapshot(
            await observe.depths(session, clock.now()),
            await observe.platforms(session),
            await observe.instances(session),
            await phone_contacts.monthly_counts(
                session, tz.start_of_day(month), tz.start_of_day(following)
            ),
        )

    snap = run(in_transaction(cfg, work))
    now = clock.now()
    queue = Table("投递队列状态", "优先级", "条数", title="投递队列（outbox）")
    for (state, priority), count in sorted(snap.depths.outbox.items()):
        level = PRIORITY.get(priority, str(priority))
        queue.add_row(STATUS.get(state, state), level, str(count))
    due = Table("定时事项状态", "条数", title="定时事项（due items）")
    for state, count in sorted(snap.depths.due.items()):
        due.add_row(DUE_STATUS.get(state, state), str(count))
    console.print(queue, due)
    oldest = snap.depths.oldest_unsent
    console.print(
        f"最久未发消息：{_age(now, oldest)}"
        + (f"（应于 {tz.fmt(oldest)} 发出）" if oldest else "")
    )
    lag = snap.depths.oldest_due
    console.print(
        f"到期未执行延迟：{_age(now, lag)}" + (f"（应于 {tz.fmt(lag)} 执行）" if lag else "")
    )
    _instances(snap.instances, tz, now, timedelta(seconds=cfg.instances.stale_seconds))
    platforms = Table("平台", "配置", "最近发出", "待发", "失败", title="平台")
    names = ("console", "telegram", "wecom", "dingtalk", "feishu", "sms", "voice")
    for name in sorted(set(names) | set(snap.platforms)):
        section = getattr(cfg.platforms, name, None)
        enabled = "已启用" if section is not None and section.enabled else "未启用"
        seen = snap.platforms.get(name, observe.PlatformQueue(None, 0, 0))
        last = tz.fmt(seen.last_sent) if seen.last_sent else "无"
        platforms.add_row(name, enabled, last, str(seen.unsent), str(seen.failed))
    console.print(platforms)
    _phone_counts(month, snap.phone_counts)


def _phone_counts(month: date, rows: list[tuple[str, str, int]]) -> None:
    """SMS and calls the providers accepted this month, per unit of the person reached."""
    if not rows:
        console.print(f"{month:%Y 年 %m 月}短信/语音升级：无")
        return
    table = Table("单位", "渠道", "条数", title=f"{month:%Y 年 %m 月}短信/语音升级（按单位）")
    for unit, channel, count in rows:
        table.add_row(unit, {"sms": "短信", "voice": "语音电话"}.get(channel, channel), str(count))
    console.print(table)


def _instances(rows: list[dict[str, Any]], tz: LocalTime, now: datetime, stale: timedelta) -> None:
    """The running bots (the ``instances`` table, migration 0018): heartbeat, sender and poller
    in local time, and 失联 for one whose heartbeat is older than ``instances.stale_seconds``."""
    if not rows:
        console.print("实例：无（没有机器人在运行）")
        return
    table = Table("状态", *(str(k) for k in rows[0]), title="实例（心跳）")
    for row in rows:
        alive = row["心跳于"] is not None and now - row["心跳于"] <= stale
        shown = [
            tz.fmt(v, with_seconds=True)
            if isinstance(v, datetime)
            else "—"
            if v is None
            else str(v)
            for v in row.values()
        ]
        table.add_row("运行中" if alive else "失联", *shown)
    console.print(table)


def register(app: Any) -> None:
    """Add ``status`` to the CLI."""
    app.command("status")(status)

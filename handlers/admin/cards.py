"""What the administrators are told about the bot itself (the auditor's alerts)."""

from __future__ import annotations

from bot.core.clock import LocalTime
from bot.store.observe import Stuck

SHOWN = 5  # rows named in one alert; the rest are counted


def _listed(found: list[Stuck], tz: LocalTime, label: str) -> str:
    lines = [f"· {label} {s.id}（{s.what}，{tz.fmt(s.since)} 起，{s.status}）" for s in found]
    more = f"\n· 另有 {len(found) - SHOWN} 条" if len(found) > SHOWN else ""
    return "\n".join(lines[:SHOWN]) + more


def stuck_outbox(found: list[Stuck], minutes: int, tz: LocalTime) -> str:
    """Outbox rows due longer than ``minutes`` ago and still unsent."""
    return (
        f"【系统巡检】有 {len(found)} 条消息到期超过 {minutes} 分钟仍未发出：\n"
        f"{_listed(found, tz, '消息')}\n"
        "发送程序可能已停止或平台拒收。请运行 dutybot status 查看队列，"
        "检查日志与平台凭据；处理后消息会自动补发。"
    )


def overdue_due(found: list[Stuck], minutes: int, tz: LocalTime) -> str:
    """Due items more than ``minutes`` past their time and still unfired."""
    return (
        f"【系统巡检】有 {len(found)} 项定时提醒超过 {minutes} 分钟仍未执行：\n"
        f"{_listed(found, tz, '事项')}\n"
        "定时程序可能已停止。请运行 dutybot status 查看，并检查机器人进程是否在运行。"
    )

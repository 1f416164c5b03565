"""What the administrators are told about the bot itself (the auditor's alerts)."""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import LocalTime
from bot.store.liveness import Silent
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


def _who(s: Silent) -> str:
    where = f"（主机 {s.host}，进程 {s.pid}）" if s.host else ""
    return f"实例 {s.instance}{where}"


def _last(s: Silent, tz: LocalTime) -> str:
    return tz.fmt(s.since) if s.since is not None else "启动以来从未"


def instance_stopped(s: Silent, tz: LocalTime) -> str:
    """An instance's heartbeat stopped: taken over by ``s.by``, or not yet."""
    if s.by:
        done = (
            f"实例 {s.by} 已接管它未发完的消息和定时事项"
            "（广播中断的一条记为“送达不确定”，不重发）。"
        )
    else:
        done = "尚无其他实例接管，它领取的消息和定时事项要等租约到期后才会继续。"
    return (
        f"【系统巡检】{_who(s)}的心跳已停止（最后一次 {_last(s, tz)}）。\n{done}\n"
        "请检查该进程或机器是否仍在运行（systemctl status dutybot、dutybot status）。"
    )


def sender_silent(s: Silent, minutes: int, tz: LocalTime) -> str:
    """An instance beats but its sender has not looked at the outbox for ``minutes``."""
    return (
        f"【系统巡检】{_who(s)}仍在运行，但其发送程序已超过 {minutes} 分钟未工作"
        f"（最后一次 {_last(s, tz)}）。\n"
        "该实例领取的消息可能发不出去。请查看其日志，必要时重启该实例"
        "（重启后其余实例会立即接管）。"
    )


def poller_silent(since: datetime, minutes: int, tz: LocalTime) -> str:
    """No instance has had an answer from Telegram's getUpdates for ``minutes``."""
    return (
        f"【系统巡检】Telegram 消息接收已超过 {minutes} 分钟没有响应（最后一次 {tz.fmt(since)}），"
        "群里和私聊发给机器人的消息可能收不到。\n"
        "请检查网络与 DUTYBOT_TELEGRAM_TOKEN，运行 dutybot status 查看各实例；"
        "若日志提示 getUpdates 冲突，请确认没有其他程序使用同一机器人。"
    )

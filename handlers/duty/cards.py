"""值班 in words: the 查岗 messages the officer, the asking leader and the escalation get (chat and
jobs alike)."""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import LocalTime
from bot.core.messages import Button, Reply
from handlers.duty.bulletin_cards import daily_reply as daily_reply  # for the shift-end job
from models.duty.rollcall import RollCall


def rollcall_question(item: RollCall, answer_minutes: int, tz: LocalTime, now: datetime) -> Reply:
    """The roll call as the officer sees it, with a 「到」 button naming this call."""
    return Reply(
        f"【查岗】请在 {answer_minutes} 分钟内点「到」或回复「到」。（{tz.fmt(now)}）",
        buttons=((Button("到", f"到 {item.id}"),),),
    )


def took(seconds: int) -> str:
    """``3 分 5 秒``: how long an answer took."""
    return f"{seconds // 60} 分 {seconds % 60} 秒"


def rollcall_answered(name: str, seconds: int) -> Reply:
    """To the leader who asked: the officer answered, and how fast."""
    return Reply(f"查岗：{name} 已应答，用时 {took(seconds)}。")


def rollcall_unanswered(item: RollCall, tz: LocalTime, now: datetime) -> Reply:
    """To the 带班领导 (later the admins): the officer has not answered in time."""
    minutes = int((now - item.asked_at).total_seconds() // 60)
    return Reply(
        f"【查岗未应答】{item.user.name} 在 {minutes} 分钟内未应答查岗"
        f"（{tz.fmt(item.asked_at)} 发起）。请电话核实是否在岗。"
    )

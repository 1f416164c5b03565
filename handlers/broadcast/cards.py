"""应急广播 in words: the broadcast as recipients see it (first and re-notified), the sender's
live 回执 summary and the 未确认上报 escalations — for the chat commands and the jobs alike."""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import LocalTime
from bot.core.messages import Button, Reply
from bot.store import live
from bot.store.outbox import OutboxStatus
from models.broadcast import records as bc
from models.broadcast.chase import Escalation
from models.broadcast.ladder import Reached
from models.broadcast.send import Signers
from models.broadcast.settings import LadderStep
from models.broadcast.state import DELIVERY_LABELS, RecipientState, counted
from models.broadcast.summary import edit_key

MAX_NAMES = 40  # keeps the summary well under every platform's length limit
_TROUBLE = {OutboxStatus.FAILED, OutboxStatus.UNCERTAIN}


def ack_buttons(broadcast: bc.Broadcast) -> tuple[tuple[Button, ...], ...]:
    """One 收到 button; platforms without buttons show the command to type."""
    return ((Button("收到", f"收到 {broadcast.code}"),),)


def signature(signed: Signers) -> str:
    """``张三`` or ``张三（王刚 批准）``: who answers for the broadcast."""
    if signed.approver is None:
        return signed.author
    return f"{signed.author}（{signed.approver} 批准）"


def message(broadcast: bc.Broadcast, signed: Signers, tz: LocalTime, *, round_: int = 0) -> Reply:
    """The broadcast as recipients see it; ``round_`` > 0 for a re-notification."""
    label = f"{broadcast.level_enum.label}应急广播"
    head = f"【第{round_}次提醒·您尚未确认】{label} " if round_ else f"【{label}】"
    head += broadcast.scope
    sent = broadcast.sent_at or broadcast.created_at
    return Reply(
        f"{head}\n{broadcast.text}\n—— {signature(signed)} 发布于 {tz.fmt(sent)}\n"
        f"请点击「收到」确认，或回复：收到 {broadcast.code}",
        buttons=ack_buttons(broadcast),
    )


def _names(items: list[str]) -> str:
    shown = "、".join(items[:MAX_NAMES])
    return shown + (f" 等 {len(items)} 个" if len(items) > MAX_NAMES else "")


def summary_text(
    broadcast: bc.Broadcast, states: list[RecipientState], tz: LocalTime, now: datetime
) -> str:
    """The 回执 summary: delivered and acknowledged counts, who is silent, delivery trouble."""
    status = bc.BroadcastStatus(broadcast.status)
    removed = [s for s in states if s.removed]
    states = counted(states)
    delivered = sum(s.delivered for s in states)
    acked = sum(s.ack is not None for s in states)
    lines = [
        f"【广播回执】{broadcast.title} · {status.label}",
        f"已送达 {delivered} / {len(states)}　已确认 {acked} / {len(states)}",
    ]
    waiting = [s.recipient.display for s in states if s.waiting]
    if waiting:
        lines.append(f"未确认（{len(waiting)}）：{_names(waiting)}")
    if removed:
        gone = [f"{s.recipient.display}{s.recipient.removed_note or ''}" for s in removed]
        lines.append(f"已停用人员（不计入）：{_names(gone)}")
    silent = [s.recipient.name for s in states if s.is_group and s.ack is None]
    if silent:
        lines.append(f"⚠ 无人确认的群（{len(silent)}）：{_names(silent)}")
    trouble = [
        f"{s.recipient.name}（{DELIVERY_LABELS[s.delivery]}）"
        for s in states
        if s.delivery is not None and not s.delivered and s.delivery in _TROUBLE
    ]
    if trouble:
        lines.append(f"⚠ 送达异常：{_names(trouble)}")
    if status is bc.BroadcastStatus.CANCELLED:
        lines.append(f"已于 {tz.fmt(broadcast.cancelled_at)} 撤回，不再提醒；此后的确认仍会记录。")
    lines.append(f"更新于 {tz.fmt(now)}　详情：/broadcast_status {broadcast.id}")
    return "\n".join(lines)


def same_summary(text: str, earlier: str | None) -> bool:
    """Whether two summaries say the same but for their 更新于 line (nothing worth an edit)."""
    return live.same_text(text, earlier)


def summary(
    broadcast: bc.Broadcast, states: list[RecipientState], tz: LocalTime, now: datetime
) -> Reply:
    """The summary as the sender's chat gets it: each one edits the first where it can."""
    return Reply(summary_text(broadcast, states, tz, now), edit_key=edit_key(broadcast.id))


def _escalation_head(broadcast: bc.Broadcast, found: Escalation) -> str:
    return f"【未确认上报】{broadcast.title} 发出 {found.minutes} 分钟，经 {found.rounds} 次提醒"


def escalation_to_leader(broadcast: bc.Broadcast, found: Escalation, names: list[str]) -> Reply:
    """To a unit leader: their people who have not acknowledged, and what it was about."""
    return Reply(
        f"{_escalation_head(broadcast, found)}，贵单位仍未确认：{'、'.join(names)}。"
        f"请督促确认。\n内容：{broadcast.text[:60]}"
    )


def escalation_to_sender(broadcast: bc.Broadcast, found: Escalation) -> Reply:
    """To the sender: everyone still silent and how many leaders were told."""
    lines = [f"{_escalation_head(broadcast, found)}，仍未确认：{'、'.join(found.waiting) or '无'}"]
    if found.silent_groups:
        lines.append(f"无人确认的群：{'、'.join(found.silent_groups)}")
    lines.append(
        f"已通知相关单位领导 {len(found.leaders)} 人。详情：/broadcast_status {broadcast.id}"
    )
    return Reply("\n".join(lines))


def revoked_notice(broadcast: bc.Broadcast, person: str, note: str) -> Reply:
    """To the drafter: a recipient was revoked before acknowledging, and what became of it."""
    return Reply(
        f"【广播回执变更】{person}已被停用{note}。\n{broadcast.title}"
        f"　详情：/broadcast_status {broadcast.id}"
    )


_BY = {"sms": "短信", "voice": "语音电话"}


def ladder_notice(
    broadcast: bc.Broadcast, step: LadderStep, reached: Reached, problem: str | None = None
) -> Reply | None:
    """To the sender: what a phone rung did, who could not be reached, or why nothing went."""
    by = _BY[step.by]
    whom = "带班领导" if step.to == "duty_leader" else "未确认人员"
    head = f"【{by}升级】{broadcast.title} 发出 {step.after_minutes} 分钟"
    if problem is not None:
        return Reply(f"{head}，未发送{by}：{problem}。请核对配置或电话联系{whom}。")
    if not reached.skipped and not reached.queued:
        return None
    lines = [f"{head}，已向{whom}发送{by}：{'、'.join(reached.queued) or '无'}"]
    lines += [f"未能发送给 {name}：{why}" for name, why in reached.skipped]
    lines.append(f"详情：/broadcast_status {broadcast.id}")
    return Reply("\n".join(lines))

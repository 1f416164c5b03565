"""办会 in words: the notice with its 参加 / 请假 buttons, change and cancel notices, the
reminders, and the organiser's 回执 summary — for the chat commands and the jobs alike.

Names are shown in full only in private chats; a 回执 asked for in a group masks them
(bot/core/privacy.py, docs/privacy.md). Phones are never shown.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import LocalTime
from bot.core.messages import Button, Reply
from bot.core.privacy import mask_name
from models.meetings.plan import edit_key
from models.meetings.records import Invitation, Meeting, MeetingStatus
from models.meetings.tally import Tally

MAX_NAMES = 40  # keeps the summary well under every platform's length limit
HOW = "请点击按钮，或回复：参加 / 请假 原因 [代参人 姓名]"


def buttons(row: Invitation) -> tuple[tuple[Button, ...], ...]:
    """参加 and 请假, carrying the person's own 回执码 (only they may press them)."""
    return ((Button("参加", f"参加 {row.code}"), Button("请假", f"请假 {row.code}")),)


def when(meeting: Meeting, tz: LocalTime) -> str:
    """``2026-12-01 09:00（星期二）`` or the day alone for a meeting registered without time."""
    if meeting.starts_at is None:
        return meeting.held_on.isoformat()
    return tz.fmt(meeting.starts_at)


def details(meeting: Meeting, tz: LocalTime, row: Invitation | None = None) -> list[str]:
    """Time, place, topics and (for whoever owes them) the materials deadline."""
    lines = [f"时间：{when(meeting, tz)}"]
    if meeting.place:
        lines.append(f"地点：{meeting.place}")
    if meeting.topics:
        lines.append(f"议题：{meeting.topics}")
    if meeting.materials_due is not None and (row is None or row.owes_materials):
        lines.append(
            f"材料报送截止：{tz.fmt(meeting.materials_due)}（报送后回复：会议 报送 {meeting.id}）"
        )
    return lines


def _for(row: Invitation, stood_for: str) -> str:
    if stood_for:
        return f"您作为 {stood_for} 的代参人参会。"
    return f"您代表 {row.via} 参会。" if row.via else ""


def notice(meeting: Meeting, row: Invitation, tz: LocalTime, stood_for: str = "") -> Reply:
    """The 会议通知 as one invitee gets it."""
    head = f"【会议通知】{meeting.kind}「{meeting.title}」"
    lines = [head, *details(meeting, tz, row)]
    if extra := _for(row, stood_for):
        lines.append(extra)
    lines.append(f"{HOW}（回执码 {row.code}）")
    return Reply("\n".join(lines), buttons=buttons(row))


def change_notice(meeting: Meeting, row: Invitation, tz: LocalTime, changed: list[str]) -> Reply:
    """To everyone who got the notice: what changed, and the meeting as it stands now."""
    lines = [
        f"【会议变更】{meeting.kind}「{meeting.title}」：{'、'.join(changed)}有变化",
        *details(meeting, tz, row),
        f"如参会安排有变，请重新回复。{HOW}（回执码 {row.code}）",
    ]
    return Reply("\n".join(lines), buttons=buttons(row))


def cancel_notice(meeting: Meeting, tz: LocalTime, reason: str) -> Reply:
    """To everyone who got the notice: the meeting will not take place."""
    why = f"，原因：{reason}" if reason else ""
    return Reply(
        f"【会议取消】{meeting.kind}「{meeting.title}」（原定 {when(meeting, tz)}）已取消{why}。"
        "无需参会，也无需再回复。"
    )


def chase(meeting: Meeting, row: Invitation, tz: LocalTime, round_: int) -> Reply:
    """To someone who has not answered yet."""
    return Reply(
        f"【第{round_}次提醒·您尚未回复】{meeting.kind}「{meeting.title}」\n"
        + "\n".join(details(meeting, tz, row))
        + f"\n{HOW}（回执码 {row.code}）",
        buttons=buttons(row),
    )


def materials_due(meeting: Meeting, tz: LocalTime) -> Reply:
    """To someone who owes materials and has not reported them sent."""
    assert meeting.materials_due is not None
    return Reply(
        f"【材料报送提醒】{meeting.kind}「{meeting.title}」的会议材料请于 "
        f"{tz.fmt(meeting.materials_due)} 前报送。已报送请回复：会议 报送 {meeting.id}"
    )


def prestart(meeting: Meeting, tz: LocalTime) -> Reply:
    """To everyone who confirmed: the meeting is about to start."""
    place = f"，地点：{meeting.place}" if meeting.place else ""
    return Reply(
        f"【会前提醒】{meeting.kind}「{meeting.title}」将于 {when(meeting, tz)} 开始{place}。"
        "请准时参会。"
    )


def withdrawn(meeting: Meeting, stood_for: str) -> Reply:
    """To a 代参人 who is no longer needed."""
    return Reply(
        f"【会议通知变更】{stood_for} 将亲自参加{meeting.kind}「{meeting.title}」，"
        "无需您代为参会，谢谢。"
    )


def _name(row: Invitation, masked: bool) -> str:
    name = mask_name(row.user.name) if masked else row.user.name
    return f"{name}（{row.via}）" if row.via else name


def _names(items: list[str]) -> str:
    shown = "、".join(items[:MAX_NAMES])
    return shown + (f" 等 {len(items)} 人" if len(items) > MAX_NAMES else "")


def summary_text(
    meeting: Meeting, tally: Tally, tz: LocalTime, now: datetime, *, masked: bool = False
) -> str:
    """参加 x / 请假 y（代参 z）/ 未回复 w, each with names; reasons in private chats only."""
    stand_ins = sum(1 for r in tally.leave if r.id in tally.stand_ins)
    lines = [
        f"【会议回执】{meeting.label} {when(meeting, tz)} · {meeting.state.label}",
        f"参加 {len(tally.attend)} / 请假 {len(tally.leave)}（代参 {stand_ins}）"
        f" / 未回复 {len(tally.waiting)}",
    ]
    if tally.attend:
        lines.append(f"参加：{_names([_name(r, masked) for r in tally.attend])}")
    if tally.leave:
        gone = []
        for row in tally.leave:
            note = "" if masked else row.reason
            stand = tally.stand_ins.get(row.id)
            if stand is not None:
                name = mask_name(stand.user.name) if masked else stand.user.name
                note += ("，" if note else "") + f"代参：{name}"
            gone.append(_name(row, masked) + (f"（{note}）" if note else ""))
        lines.append(f"请假：{_names(gone)}")
    if tally.waiting:
        lines.append(f"未回复：{_names([_name(r, masked) for r in tally.waiting])}")
    owing = [r for r in tally.everyone if r.owes_materials and r.materials_at is None]
    if meeting.materials_due is not None and owing:
        lines.append(f"材料未报送：{_names([_name(r, masked) for r in owing])}")
    if meeting.state is MeetingStatus.CANCELLED:
        lines.append("会议已取消，不再提醒。")
    lines.append(f"更新于 {tz.fmt(now)}　详情：/meeting_rsvp {meeting.id}")
    return "\n".join(lines)


def summary(meeting: Meeting, tally: Tally, tz: LocalTime, now: datetime) -> Reply:
    """The organiser's live 回执: each one edits the first where the platform can."""
    return Reply(summary_text(meeting, tally, tz, now), edit_key=edit_key(meeting.id))


def created(
    meeting: Meeting, rows: list[Invitation], tz: LocalTime, *, masked: bool = False
) -> str:
    """The organiser's answer to 新建: the meeting and who will be asked (masked in a group)."""
    owing = [_name(r, masked) for r in rows if r.owes_materials]
    lines = [
        f"✅ 已新建 {meeting.label}（{meeting.kind}）",
        *details(meeting, tz),
        f"参会人（{len(rows)}）：{_names([_name(r, masked) for r in rows]) or '（暂无）'}",
    ]
    if owing:
        lines.append(f"须报送材料：{_names(owing)}")
    lines.append(f"核对无误后发通知：/meeting_notify {meeting.id}（会议 通知 {meeting.id}）")
    return "\n".join(lines)


_ANSWERS = {"attend": "您：参加", "leave": "您：请假", "": "您：未回复"}


def listed(meeting: Meeting, mine: Invitation | None, tz: LocalTime) -> str:
    """One line of /meetings: number, time, kind, name, place, status and the caller's 回执."""
    place = f" @{meeting.place}" if meeting.place else ""
    own = f"（{_ANSWERS[mine.answer]}）" if mine is not None and mine.notified_at else ""
    return (
        f"  #{meeting.id} {when(meeting, tz)} {meeting.kind}「{meeting.title}」{place}"
        f" · {meeting.state.label}{own}"
    )

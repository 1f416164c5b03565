"""值班信息/要情快报 and the 值班日报 in words: the draft as its drafter edits it, the review
request with its signed 批准/退回 buttons, the issued bulletin with its .docx, and the 值班日报
(chat commands and the shift-end job alike)."""

from __future__ import annotations

from bot.core.clock import LocalTime
from bot.core.messages import Button, Reply
from bot.core.privacy import mask_text
from models.duty import bulletin as duty_bulletin
from models.duty.bulletin import DutyBulletin
from models.duty.bulletin_doc import bulletin_doc, daily_doc, word_file
from models.duty.daily import DailyReport

EDIT_HINT = (
    "修改请回复「字段=内容」（可多行），字段：事件、时间、地点、伤亡、已采取措施、报告人；"
    "回复「提交」送带班领导审核，回复「取消」暂存草稿。"
)


def form(bulletin: DutyBulletin) -> str:
    """The six fields, one a line."""
    return "\n".join(
        f"  {label}：{value or '（未填）'}" for label, value in bulletin.values().items()
    )


def draft_text(bulletin: DutyBulletin) -> str:
    """The draft as its drafter sees it, with how to edit and submit."""
    head = f"{bulletin.masthead}（草稿）#{bulletin.id}，状态：{bulletin.status}"
    if bulletin.return_reason and bulletin.status == duty_bulletin.BulletinStatus.RETURNED:
        head += f"\n退回原因：{bulletin.return_reason}"
    return f"{head}\n{form(bulletin)}\n{EDIT_HINT}"


def review_request(bulletin: DutyBulletin) -> Reply:
    """To the 带班领导: the bulletin and two buttons whose tokens only they can use."""
    again = f"（第 {bulletin.revision} 次送审，已按退回意见修改）" if bulletin.revision > 1 else ""
    text = (
        f"【{bulletin.masthead}·待审核】#{bulletin.id}{again}\n{form(bulletin)}\n"
        f"拟稿：{bulletin.drafter.name}。请审核：批准后编号签发并推送各位领导，退回需写明原因。"
    )
    approve = duty_bulletin.token(bulletin, "approve")
    back = duty_bulletin.token(bulletin, "return")
    return Reply(
        text,
        buttons=(
            (
                Button("批准", f"/bulletin_approve {bulletin.id} {approve}"),
                Button("退回", f"/bulletin_return {bulletin.id} {back}"),
            ),
        ),
    )


def returned(bulletin: DutyBulletin, by: str) -> Reply:
    """To the drafter: sent back, why, and how to revise."""
    return Reply(
        f"您的{bulletin.masthead} #{bulletin.id} 被 {by} 退回。原因：{bulletin.return_reason}\n"
        f"请修改后重新提交：/bulletin_edit {bulletin.id}"
    )


def issued(bulletin: DutyBulletin, issuer: str, tz: LocalTime) -> Reply:
    """The issued bulletin as the leaders receive it, with its .docx."""
    signer = bulletin.reviewer.name if bulletin.reviewer else ""
    text = (
        f"【{bulletin.masthead}】{bulletin.year}年{bulletin.issue}\n{form(bulletin)}\n"
        f"报送单位：{issuer}　签发人：{signer}　{tz.fmt(bulletin.issued_at)}"
    )
    name = f"{bulletin.masthead}_{bulletin.year}年{bulletin.issue}"
    doc = bulletin_doc(bulletin, issuer, tz)
    return Reply(text, attachment=word_file(doc, name, "快报 列表"))


def daily_text(report: DailyReport, tz: LocalTime) -> str:
    """The 值班日报 in chat: counts first, then each log entry and report in one line."""
    span = f"{tz.fmt(report.start)} 至 {tz.fmt(report.end)}"
    lines = [
        f"📋 值班日报（{span}）",
        f"日志 {len(report.logs)} 条，突发事件 {len(report.incidents)} 起，"
        f"报送 {len(report.reports) + len(report.bulletins)} 次，"
        f"交接班 {len(report.handovers)} 次。",
    ]
    lines += [f"  #{e.id}【{e.kind}】{mask_text(e.summary)}" for e in report.logs]
    lines += [f"  事件 #{i.id} {r.title}（{tz.fmt(r.sent_at)[11:]}）" for i, r in report.reports]
    lines += [f"  {b.masthead}{b.issue} 已签发" for b in report.bulletins]
    lines += [f"  交班：{h.by_user.name}，遗留事项：{h.pending or '无'}" for h in report.handovers]
    return "\n".join(lines)


def daily_reply(report: DailyReport, issuer: str, masthead: str, tz: LocalTime) -> Reply:
    """The 值班日报 with its .docx."""
    doc = daily_doc(report, issuer, masthead, tz)
    name = f"值班日报_{report.day.isoformat()}"
    how = f"值班日报 {report.day.isoformat()}"
    return Reply(daily_text(report, tz), attachment=word_file(doc, name, how))

"""The Word files of the duty room in the official layout (``bot/core/official_doc.py``): an
issued 值班信息/要情快报 (masthead, 期号, 报送单位, 签发人) and the 值班日报."""

from __future__ import annotations

from functools import partial

from bot.core import official_doc
from bot.core.clock import LocalTime
from bot.core.messages import Attachment
from bot.core.official_doc import OfficialDoc, Section
from bot.core.privacy import mask_text
from models.duty.bulletin import DutyBulletin
from models.duty.daily import DailyReport

_ELSEWHERE = "私聊机器人发送「{}」获取 Word 文件"


def bulletin_doc(bulletin: DutyBulletin, issuer: str, tz: LocalTime) -> OfficialDoc:
    """An issued bulletin: the six fields as a two-column table under its title."""
    rows = [
        ("项目", "内容"),
        *((label, value or "—") for label, value in bulletin.values().items()),
    ]
    issued = bulletin.issued_at or bulletin.updated_at
    title = bulletin.event if len(bulletin.event) <= 40 else bulletin.event[:39] + "…"
    return OfficialDoc(
        masthead=bulletin.masthead,
        number=bulletin.issue,
        title=title,
        sections=(Section(table=rows),),
        issuer=issuer,
        signer=bulletin.reviewer.name if bulletin.reviewer else "",
        dated=tz.local(issued).date(),
        extra=(f"拟稿：{bulletin.drafter.name}",),
    )


def daily_doc(report: DailyReport, issuer: str, masthead: str, tz: LocalTime) -> OfficialDoc:
    """The 值班日报: roster, log, incidents, reports made, handovers — one section each."""
    leaders = "、".join(dict.fromkeys(s.leader.name for s in report.slots if s.leader)) or "未排"
    officers = "、".join(dict.fromkeys(u.name for s in report.slots for u in s.officers))
    roster = f"带班领导：{leaders}；值班员：{officers or '未排'}。"
    span = f"{tz.fmt(report.start)} 至 {tz.fmt(report.end)}"
    logs = [("时间", "类别", "内容", "记录人")]
    logs += [
        (tz.fmt(e.recorded_at)[11:], e.kind, mask_text(e.summary), e.recorder.name)
        for e in report.logs
    ]
    incidents = [
        f"事件 #{i.id}【{i.level}·{i.category}】{mask_text(i.summary)}"
        + ("（已终报）" if i.closed_at else "（处置中）")
        for i in report.incidents
    ]
    made = [
        f"{tz.fmt(r.sent_at)[11:]} 事件 #{i.id} {r.title}"
        + (f"：{mask_text(r.text)}" if r.text else "")
        for i, r in report.reports
    ]
    made += [
        f"{b.masthead}{b.issue}（签发人：{b.reviewer.name if b.reviewer else '—'}）"
        for b in report.bulletins
    ]
    handovers = [
        f"{tz.fmt(h.at)[11:]} {h.by_user.name} 交班，遗留事项：{h.pending or '无'}"
        + ("（已确认接班）" if h.confirmed_at else "（接班未确认）")
        for h in report.handovers
    ]
    return OfficialDoc(
        masthead=masthead,
        number=f"{report.day.year}年{report.day.month}月{report.day.day}日",
        title=f"值班日报（{span}）",
        sections=(
            Section("一、值班安排", (roster,)),
            Section("二、值班日志", () if report.logs else ("无。",), logs if report.logs else ()),
            Section("三、突发事件", tuple(incidents) or ("无。",)),
            Section("四、信息报送", tuple(made) or ("无。",)),
            Section("五、交接班", tuple(handovers) or ("无。",)),
        ),
        issuer=issuer,
        dated=tz.local(report.end).date(),
    )


def word_file(doc: OfficialDoc, name: str, how: str) -> Attachment:
    """``doc`` as a .docx attachment, drawn after the transaction commits."""
    return Attachment(
        f"{name}.docx",
        official_doc.MIME,
        render=partial(official_doc.render, doc),
        elsewhere=_ELSEWHERE.format(how),
    )

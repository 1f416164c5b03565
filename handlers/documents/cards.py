"""办文 in words: the document card, the 呈阅 card with 已阅/批示 buttons, the 交办 and 催办
notices, progress for the registrar and the monthly figures."""

from __future__ import annotations

from datetime import date

from bot.core.clock import LocalTime
from bot.core.messages import Button, Reply
from models.deadlines.compute import weekday
from models.documents.records import Document, DocumentReader
from models.documents.stats import MonthFigures

HEADS = {
    "soon": "⏰ 办件临期催办",
    "over": "🟥 办件已超期，请抓紧办理",
    "chase": "🟥 办件超期催办（已告知单位领导）",
}


def due_line(doc: Document) -> str:
    """``办理时限：2026-12-10（星期四）前``."""
    if doc.due_date is None:
        return ""
    return f"办理时限：{doc.due_date.isoformat()}（{weekday(doc.due_date)}）前"


def describe(doc: Document, tz: LocalTime) -> str:
    """The whole record: metadata, 传阅 progress, 批示 and history."""
    lines = [
        f"📄 {doc.label}",
        f"{doc.kind}｜{doc.mode}｜{doc.urgency}｜密级：{doc.secrecy}｜状态：{doc.status}",
        f"{'来文' if doc.direction == '收文' else '发文'}单位：{doc.issuer}；"
        f"{doc.direction}时间：{tz.fmt(doc.received_at)}",
    ]
    if doc.proposed:
        lines.append(f"拟办意见：{doc.proposed}")
    if doc.org is not None:
        lines.append(f"承办单位：{doc.org.name}；{due_line(doc)}")
    if doc.readers:
        lines.append("传阅：" + " → ".join(_reader(r) for r in doc.readers))
    lines += [f"✍️ {r.user.name}批示：{r.instruction}" for r in doc.readers if r.instruction]
    lines += [
        f"  → 督办 #{r.task_id}（{r.user.name}批示）" for r in doc.readers if r.task_id is not None
    ]
    if doc.reply:
        lines.append(f"答复：{doc.reply}")
    return "\n".join(lines)


def _reader(reader: DocumentReader) -> str:
    if reader.done_at is not None:
        return f"{reader.user.name}（{reader.action}）"
    return f"{reader.user.name}（待阅）" if reader.sent_at else reader.user.name


def reading_card(doc: Document, tz: LocalTime) -> Reply:
    """What the leader whose turn it is receives."""
    lines = [f"📨 请阅：{doc.label}", f"{doc.kind}｜{doc.mode}｜{doc.urgency}｜来自 {doc.issuer}"]
    if doc.proposed:
        lines.append(f"拟办意见：{doc.proposed}")
    if doc.org is not None:
        lines.append(f"承办单位：{doc.org.name}；{due_line(doc)}")
    lines += [f"前序批示（{r.user.name}）：{r.instruction}" for r in doc.readers if r.instruction]
    lines.append(f"阅毕请点「已阅」；有批示请点「批示」后回复批示内容。详情：/doc {doc.id}")
    buttons = (Button("已阅", f"/doc_read {doc.id}"), Button("批示", f"/doc_instruct {doc.id}"))
    return Reply("\n".join(lines), buttons=(buttons,))


def progress(doc: Document, reader: DocumentReader, following: DocumentReader | None) -> str:
    """What the registrar reads after each leader."""
    done = sum(1 for r in doc.readers if r.done_at is not None)
    what = f"批示：{reader.instruction}" if reader.instruction else "已阅"
    line = f"📬 {doc.label} {reader.user.name}{what}（{done}/{len(doc.readers)}）"
    if following is not None:
        return f"{line}，已转 {following.user.name} 阅"
    return f"{line}，传阅完毕。" + (
        f"\n批示转督办：/doc_supervise {doc.id}" if reader.instruction else ""
    )


def assign_card(doc: Document, header: str = "📌 公文交办（办件）") -> Reply:
    """The 交办 notice to the handling unit's liaisons."""
    lines = [header, doc.label, f"来自 {doc.issuer}｜{doc.urgency}", due_line(doc)]
    if doc.proposed:
        lines.append(f"拟办意见：{doc.proposed}")
    lines += [f"领导批示（{r.user.name}）：{r.instruction}" for r in doc.readers if r.instruction]
    lines.append(f"办结后答复：/doc_reply {doc.id} 办理结果")
    return Reply("\n".join(lines), buttons=((Button("详情", f"/doc {doc.id}"),),))


def push(step: str, doc: Document, today: date) -> Reply:
    """A 催办 notice (before the limit, the day after it, and later)."""
    lines = [HEADS[step], doc.label, f"承办单位：{doc.org.name if doc.org else ''}", due_line(doc)]
    if doc.due_date is not None and today > doc.due_date:
        lines.append(f"已超期 {(today - doc.due_date).days} 天")
    lines.append(f"办结后答复：/doc_reply {doc.id} 办理结果")
    return Reply("\n".join(lines), buttons=((Button("详情", f"/doc {doc.id}"),),))


def month_text(found: MonthFigures) -> str:
    """The month's figures in chat."""
    lines = [f"📊 {found.month} 办文统计：共登记 {found.total} 件"]
    if found.kinds:
        lines.append(
            "按文种：" + "，".join(f"{d}{k} {n}" for (d, k), n in sorted(found.kinds.items()))
        )
    rows = found.average_hours()
    lines.append("传阅平均用时：" + ("无" if not rows else ""))
    lines += [f"  {name}：{n} 件，平均 {hours:.1f} 小时" for name, n, hours in rows]
    lines.append("本月到期办件超期情况：" + ("无" if not found.units else ""))
    lines += [f"  {u}：到期 {due} 件，超期 {late} 件" for u, (due, late) in found.units.items()]
    return "\n".join(lines)

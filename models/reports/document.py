"""《督查通报》 as a Word file in the official layout, with its 文号 (one per period, from the
督查 documents' sequence: ``models/supervision/documents.py``), beside the chart and the xlsx."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import official_doc
from bot.core.messages import Attachment
from bot.core.official_doc import OfficialDoc, Section
from bot.core.privacy import mask_text
from models.reports.report import Period, Report
from models.supervision import documents
from models.supervision.settings import SupervisionDocsConfig


def report_doc(
    report: Report, number: str, cfg: SupervisionDocsConfig, today: date
) -> OfficialDoc:
    """The 通报: the county line, the units table, the items named, the overdue list, 建议提案."""
    total = report.total
    summary = (
        f"{report.start.isoformat()} 至 {report.end.isoformat()}，"
        f"全县到期督办事项 {total.due} 项，"
        f"按期办结率 {total.rate}；在办 {total.open} 项，其中超期 {total.overdue} 项；"
        f"黄牌 {total.cards['黄牌']}、橙牌 {total.cards['橙牌']}、红牌 {total.cards['红牌']}。"
    )
    units = [("单位", "到期", "按期办结率", "在办", "超期")]
    units += [
        (r.unit, str(r.due), str(r.rate), str(r.open), str(r.overdue))
        for r in [*report.units, total]
    ]
    named = [
        f"督办 #{i.id}「{mask_text(i.title)}」（{i.lead_org.name}），"
        f"期限 {i.due_date.isoformat()}，"
        f"已超期 {(today - i.due_date).days} 天，{i.escalation}。"
        for i in report.named
    ]
    overdue = [("编号", "事项", "承办单位", "期限", "红黄牌")]
    overdue += [
        (f"#{i.id}", mask_text(i.title), i.lead_org.name, i.due_date.isoformat(), i.card or "—")
        for i in report.overdue
    ]
    return OfficialDoc(
        masthead=cfg.report_masthead,
        number=number,
        title=report.title,
        sections=(
            Section("一、总体情况", (summary,)),
            Section("二、分单位情况", (), units),
            Section("三、予以通报", tuple(named) or ("本期无超期未办结须通报的事项。",)),
            Section(
                "四、超期事项",
                () if report.overdue else ("无。",),
                overdue if report.overdue else (),
            ),
            Section("五、建议提案办理", ("；".join(report.proposals.lines()) + "。",)),
        ),
        issuer=cfg.issuer,
        dated=today,
    )


async def word_attachment(
    session: AsyncSession,
    now: datetime,
    report: Report,
    kind: Period,
    cfg: SupervisionDocsConfig,
    today: date,
    by: int | None = None,
) -> tuple[str, Attachment]:
    """The period's 文号 (given once) and the .docx, drawn after the transaction commits."""
    found, _ = await documents.numbered(
        session,
        now,
        today.year,
        cfg,
        kind=documents.REPORT,
        ref=documents.report_ref(kind, report.start),
        by=by,
    )
    doc = report_doc(report, found.number, cfg, today)
    file = Attachment(
        f"督查通报_{found.number}.docx",
        official_doc.MIME,
        render=partial(official_doc.render, doc),
        elsewhere=f"私聊机器人发送「通报 {'周' if kind == 'week' else '月'} 公文」获取 Word 文件",
    )
    return found.number, file

"""督查通报 as files: the xlsx workbook (分单位, 超期事项, 建议提案, 12345工单, 短信语音), and the
chart or the workbook as a chat attachment drawn after the transaction that read the report."""

from __future__ import annotations

from datetime import date
from functools import partial
from io import BytesIO
from typing import Literal

from bot.core import exports
from bot.core.messages import Attachment
from bot.core.privacy import mask_text
from models.reports.report import CHANNELS, Period, Report
from models.tickets import kpi as tickets_kpi

FileFormat = Literal["png", "xlsx"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render_xlsx(report: Report, today: date) -> bytes:
    """The workbook: sheets 分单位, 超期事项, 建议提案, 12345工单 and 短信语音."""
    from openpyxl import Workbook  # only when a workbook is asked for

    book = Workbook()
    units = book.active
    units.title = "分单位"
    units.append(exports.row([report.title, f"{report.start} 至 {report.end}"]))
    units.append(
        exports.row(
            ["单位", "到期", "按期办结", "按期办结率", "在办", "超期", "黄牌", "橙牌", "红牌"]
        )
    )
    for row in [*report.units, report.total]:
        rate = row.rate.value
        units.append(
            exports.row(
                [
                    row.unit,
                    row.due,
                    row.on_time,
                    None if rate is None else round(rate, 4),
                    row.open,
                    row.overdue,
                    *row.cards.values(),
                ]
            )
        )
    overdue = book.create_sheet("超期事项")
    overdue.append(
        exports.row(["编号", "事项", "承办单位", "期限", "超期天数", "红黄牌", "督办等级", "状态"])
    )
    for item in report.overdue:
        overdue.append(
            exports.row(
                [
                    item.id,
                    mask_text(item.title),  # a 通报 is circulated: no personal data
                    item.lead_org.name,
                    item.due_date,
                    (today - item.due_date).days,
                    item.card,
                    item.escalation,
                    item.status,
                ]
            )
        )
    proposals = book.create_sheet("建议提案")
    proposals.append(exports.row(["指标", "比率", "分子", "分母"]))
    for name, kpi in report.proposals.named():
        proposals.append(exports.row([name, kpi.value, kpi.numerator, kpi.denominator]))
    tickets = book.create_sheet("12345工单")
    for line in tickets_kpi.table(report.tickets):
        tickets.append(exports.row(line))
    phone = book.create_sheet("短信语音")
    phone.append(exports.row(["单位", *CHANNELS.values()]))
    for unit, counts in report.phone.items():
        phone.append(exports.row([unit, *(counts.get(c, 0) for c in CHANNELS)]))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def draw(report: Report, today: date, fmt: FileFormat) -> bytes:
    """The chart (PNG) or the workbook (xlsx) of ``report``; slow, so called off the event loop
    and outside any transaction (``report`` holds everything it needs)."""
    if fmt == "xlsx":
        return render_xlsx(report, today)
    from models.reports.chart import render_png  # matplotlib only when a chart is asked

    return render_png(report)


def attachment(report: Report, kind: Period, today: date, fmt: FileFormat) -> Attachment:
    """The chart or workbook for a chat reply, drawn after the transaction that read it."""
    name = f"督查通报_{report.start}_{report.end}.{fmt}"
    mime = "image/png" if fmt == "png" else XLSX_TYPE
    elsewhere = (
        f"私聊机器人发送「通报 {'周' if kind == 'week' else '月'} "
        f"{'图表' if fmt == 'png' else '表格'}」，或由管理员运行 "
        f"dutybot report --period {kind} --format {fmt} -o 通报.{fmt}"
    )
    return Attachment(name, mime, render=partial(draw, report, today, fmt), elsewhere=elsewhere)


def caption(report: Report, fmt: FileFormat) -> str:
    """The few lines sent with the file: what it is and the county line."""
    total = report.total
    what = "图表" if fmt == "png" else "表格（分单位、超期事项、建议提案、12345工单、短信语音）"
    return (
        f"📊 {report.title}{what}\n"
        f"全县：到期 {total.due} 项，按期办结率 {total.rate}；在办 {total.open} 项，"
        f"超期 {total.overdue} 项"
    )

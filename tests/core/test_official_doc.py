"""The official-layout Word writer: what is on the page, in which order, in which fonts."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.oxml.ns import qn

from bot.core.official_doc import RED, OfficialDoc, Section, chinese_date, render

DOC = OfficialDoc(
    masthead="值班信息",
    number="第12期",
    title="关于某镇山体滑坡的情况报告",
    sections=(
        Section("一、基本情况", ("3月1日8时，某镇某村发生山体滑坡。",)),
        Section("二、处置情况", (), (("时间", "措施"), ("08:30", "转移群众 12 人"))),
    ),
    issuer="县人民政府办公室",
    signer="李明",
    dated=date(2027, 3, 1),
    copies_to="县应急管理局",
)


def test_page_order_and_number_line() -> None:
    word = Document(io.BytesIO(render(DOC)))
    texts = [p.text for p in word.paragraphs if p.text]
    assert texts[0] == "值班信息"
    assert texts[1] == "县人民政府办公室　第12期　签发人：李明"
    assert texts[3] == "关于某镇山体滑坡的情况报告"
    assert texts.index("一、基本情况") < texts.index("二、处置情况")
    assert texts[-3:] == ["2027年3月1日", "━" * 26, "抄送：县应急管理局"]
    table = word.tables[0]
    assert [c.text for c in table.rows[1].cells] == ["08:30", "转移群众 12 人"]


def test_a4_margins_fonts_and_red_masthead() -> None:
    word = Document(io.BytesIO(render(DOC)))
    page = word.sections[0]
    sizes = (page.page_width, page.top_margin, page.left_margin)
    assert [round(size.mm) for size in sizes if size is not None] == [210, 37, 28]
    masthead = word.paragraphs[0].runs[0]
    assert masthead.font.color.rgb is not None and tuple(masthead.font.color.rgb) == RED
    body = next(p for p in word.paragraphs if p.text.startswith("3月1日"))
    props = body.runs[0].element.rPr
    assert props is not None
    fonts = props.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"  # Word picks Chinese type from eastAsia


def test_without_signer_the_number_stands_alone() -> None:
    plain = OfficialDoc(
        masthead="督查通报", number="县政府办督〔2027〕3号", title="通报", sections=()
    )
    texts = [p.text for p in Document(io.BytesIO(render(plain))).paragraphs if p.text]
    assert texts[1] == "县政府办督〔2027〕3号"
    assert "2027年" not in "".join(texts[2:])


def test_chinese_date_has_no_leading_zeros() -> None:
    assert chinese_date(date(2027, 1, 5)) == "2027年1月5日"

"""Word files in the official layout (公文格式) for 值班信息, 值班日报 and 督查 documents.

One writer serves every feature: a red masthead (发文机关标志) over the number line (期号 or 文号),
a red rule, the title, the body in sections (with an optional table each), then the issuing unit
and the date. Page and type follow the layout commonly applied from GB/T 9704-2012 (A4; margins
37/35/28/26 mm; title 2号 小标宋, body 3号 仿宋, level-1 headings 黑体); what was and was not
checked is in docs/rules.md §公文格式. Fonts are named, not embedded: Word on the office's
machines has them; elsewhere the viewer substitutes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.document import Document as Word
    from docx.styles.style import CharacterStyle
    from docx.text.run import Run

MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RED = (0xE6, 0x00, 0x12)  # the masthead red of printed county documents
_TITLE_FONT, _BODY_FONT, _HEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"
_SIZE_TITLE, _SIZE_BODY, _SIZE_MASTHEAD = 22, 16, 36  # 2号, 3号 and a masthead between 初号/小初


@dataclass(frozen=True)
class Section:
    """A part of the body: an optional heading (一、…), paragraphs, and an optional table."""

    heading: str = ""
    paragraphs: Sequence[str] = ()
    table: Sequence[Sequence[str]] = ()
    """Rows of cells; the first row is the header."""


@dataclass(frozen=True)
class OfficialDoc:
    """What goes on the page, already in words; no feature logic lives here."""

    masthead: str
    """发文机关标志, e.g. 值班信息 or 县人民政府办公室督查通报."""
    number: str
    """期号 (第12期) or 文号 (县政府办督〔2027〕3号)."""
    title: str
    sections: Sequence[Section]
    issuer: str = ""
    """报送/编发单位, shown left of the number line and again at the end."""
    signer: str = ""
    """签发人, shown right of the number line when set."""
    dated: date | None = None
    recipients: str = ""
    """主送, above the body."""
    copies_to: str = ""
    """抄送, in the closing note (版记)."""
    extra: Sequence[str] = field(default=())
    """Closing lines before the 版记 (附件说明, 联系人)."""


def chinese_date(day: date) -> str:
    """``2027年3月1日``: the 成文日期 form, Arabic numerals without leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


def render(doc: OfficialDoc) -> bytes:
    """The .docx bytes of ``doc`` (python-docx; imported here, off the start-up path)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    word = Document()
    page = word.sections[0]
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.top_margin, page.bottom_margin = Mm(37), Mm(35)
    page.left_margin, page.right_margin = Mm(28), Mm(26)
    _font(word.styles["Normal"], _BODY_FONT, _SIZE_BODY)

    def line(
        text: str,
        font: str = _BODY_FONT,
        size: int = _SIZE_BODY,
        align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
        red: bool = False,
        indent: bool = False,
    ) -> None:
        para = word.add_paragraph()
        para.alignment = align
        run = para.add_run(text)
        _font(run, font, size)
        if red:
            run.font.color.rgb = RGBColor(*RED)
        if indent:
            para.paragraph_format.first_line_indent = Pt(size * 2)  # two characters

    line(doc.masthead, _TITLE_FONT, _SIZE_MASTHEAD, align=WD_ALIGN_PARAGRAPH.CENTER, red=True)
    left = doc.issuer if doc.signer else ""
    right = f"签发人：{doc.signer}" if doc.signer else ""
    number = "　".join(part for part in (left, doc.number, right) if part)
    line(number, align=WD_ALIGN_PARAGRAPH.CENTER)
    line("━" * 26, align=WD_ALIGN_PARAGRAPH.CENTER, red=True)  # the red separator rule
    line(doc.title, _TITLE_FONT, _SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    if doc.recipients:
        line(f"{doc.recipients}：")
    for section in doc.sections:
        if section.heading:
            line(section.heading, _HEADING_FONT, indent=True)
        for text in section.paragraphs:
            line(text, indent=True)
        if section.table:
            _table(word, section.table)
    for text in doc.extra:
        line(text, indent=True)
    if doc.issuer or doc.dated:
        for text in (doc.issuer, chinese_date(doc.dated) if doc.dated else ""):
            if text:
                line(text, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if doc.copies_to:
        line("━" * 26, align=WD_ALIGN_PARAGRAPH.CENTER)
        line(f"抄送：{doc.copies_to}", size=14)  # 版记 in 4号
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _table(word: Word, rows: Sequence[Sequence[str]]) -> None:
    """A bordered table, the header row in 黑体, cells in 4号 so a log fits the width."""
    width = max(len(row) for row in rows)
    table = word.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c in range(width):
            cell = table.cell(r, c)
            cell.text = ""
            run = cell.paragraphs[0].add_run(row[c] if c < len(row) else "")
            _font(run, _HEADING_FONT if r == 0 else _BODY_FONT, 14)


def _font(target: Run | CharacterStyle, name: str, size: int) -> None:
    """Set a run's or style's Latin and East Asian font (Word reads the latter for Chinese)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = target.font
    font.name, font.size = name, Pt(size)
    element = target.element
    props = element.get_or_add_rPr()
    fonts = props.find(qn("w:rFonts"))
    if fonts is None:
        fonts = props.makeelement(qn("w:rFonts"), {})
        props.append(fonts)
    fonts.set(qn("w:eastAsia"), name)

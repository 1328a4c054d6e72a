"""The work report as a Word document in the layout of Chinese official documents (党政机关公文
格式, GB/T 9704-2012): A4; type area 156 × 225 mm (top margin 37 mm, inner 28 mm); 22 lines of
28 characters; the title in 2号 小标宋, the body in 3号 仿宋 with a two-character indent;
level-1 headings «一、» in 黑体, level-2 «（一）» in 楷体; the page number «— 1 —» in 4号 宋体,
odd pages at the right and even pages at the left, one character in from the edge; the issuing
unit and the date at the end; photos attached to the report follow on a new page under
«附件：照片», each fitted to the type area with its caption below it.

Fonts are named as Chinese government machines have them (方正小标宋简体, 仿宋_GB2312,
楷体_GB2312, 黑体, 宋体); Word substitutes a font a machine lacks.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph
from PIL import Image

from jinguo.reports.document_chart import Chart, chart_drawing, chart_key, drawing_png
from jinguo.reports.narrative import Part, WorkReport, report_chart
from jinguo.reports.report_tables import ReportTable

Placed = tuple[ReportTable, Chart] | None  # the chart, and the table it is drawn under

# GB/T 9704-2012 §5.2.1-5.2.2 and 7.5.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, INNER, OUTER = Mm(37), Mm(35), Mm(28), Mm(26)
TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT, PAGE_FONT = (
    "方正小标宋简体",
    "仿宋_GB2312",
    "黑体",
    "楷体_GB2312",
    "宋体",
)
SIZE_2, SIZE_3, SIZE_4 = Pt(22), Pt(16), Pt(14)  # 2号, 3号, 4号
LINE = Pt(28.95)  # 225 mm / 22 lines
TABLE_SIZE = Pt(12)  # 小四: a table of six columns fits the type area
INDENT = Pt(32)  # two characters of 3号
PHOTOS_HEADING = "附件：照片"
PHOTO_BOX_MM = (150, 170)  # a photo fits the 156 × 225 mm type area with its caption


@dataclass(frozen=True)
class ReportPhoto:
    """A photo attached to a report (a JPEG or PNG, re-encoded on upload) and its caption."""

    content: bytes
    caption: str = ""


def photo_size_mm(photo: ReportPhoto) -> tuple[float, float]:
    """Width and height (mm) of the photo fitted into PHOTO_BOX_MM, its proportions kept."""
    with Image.open(io.BytesIO(photo.content)) as image:
        width, height = image.size
    scale = min(PHOTO_BOX_MM[0] / width, PHOTO_BOX_MM[1] / height)
    return width * scale, height * scale


def photo_caption(number: int, photo: ReportPhoto) -> str:
    return f"图{number}　{photo.caption}" if photo.caption else f"图{number}"


def _font(run: Any, name: str, size: Pt, *, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _paragraph(
    document: Any,
    text: str,
    *,
    font: str = BODY_FONT,
    size: Pt = SIZE_3,
    indent: bool = True,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> Paragraph:
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = INDENT
    if align is not None:
        paragraph.alignment = align
    _font(paragraph.add_run(text), font, size)
    return paragraph


def _page_number(paragraph: Paragraph) -> None:
    """«— N —» with N Word's PAGE field."""
    _font(paragraph.add_run("— "), PAGE_FONT, SIZE_4)
    run = paragraph.add_run()
    _font(run, PAGE_FONT, SIZE_4)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1")):
        if kind is not None:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._element.append(field)
        elif text == " PAGE ":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._element.append(code)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            run._element.append(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._element.append(end)
    _font(paragraph.add_run(" —"), PAGE_FONT, SIZE_4)


def _setup(document: Any) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = INNER, OUTER
    section.footer_distance = Mm(28) - Mm(7)  # the number sits 7 mm below the type area
    document.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        setattr(paragraph.paragraph_format, f"{side}_indent", Pt(14))  # 空一字
        _page_number(paragraph)
    normal = document.styles["Normal"]
    _font(normal, BODY_FONT, SIZE_3)


def _table(document: Any, table: ReportTable) -> None:
    grid = document.add_table(rows=len(table.rows) + 1, cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate([table.header, *table.rows]):
        for c, value in enumerate(values):
            cell = grid.cell(r, c)
            cell.text = ""
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if c else WD_ALIGN_PARAGRAPH.LEFT
            _font(paragraph.add_run(value), H1_FONT if r == 0 else BODY_FONT, TABLE_SIZE)
    _paragraph(document, "", indent=False)  # a blank line after the table


def _chart(document: Any, chart: Chart) -> None:
    _paragraph(document, chart.title, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    png = drawing_png(chart_drawing(chart, numbered=True))
    document.add_picture(io.BytesIO(png), width=Cm(15))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, chart_key(chart.labels), size=TABLE_SIZE, indent=False)


def _body(document: Any, part: Part, chart: Placed) -> None:
    for text in part.paragraphs:
        _paragraph(document, text)
    for table in part.tables:
        _table(document, table)
        if chart is not None and chart[0] is table:
            _chart(document, chart[1])


def _photos(document: Any, photos: Sequence[ReportPhoto]) -> None:
    document.add_page_break()
    _paragraph(document, PHOTOS_HEADING, font=H1_FONT, indent=False)
    for number, photo in enumerate(photos, 1):
        width, _height = photo_size_mm(photo)
        document.add_picture(io.BytesIO(photo.content), width=Mm(width))
        picture = document.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True  # the caption under its photo
        caption = photo_caption(number, photo)
        _paragraph(
            document, caption, size=TABLE_SIZE, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER
        )


def with_photos(content: bytes, photos: Sequence[ReportPhoto]) -> bytes:
    """A .docx (a unit's own template, filled) with the photos appended under the same heading
    and layout as the built-in report's."""
    if not photos:
        return content
    document = Document(io.BytesIO(content))
    _photos(document, photos)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report_docx(report: WorkReport, *, photos: Sequence[ReportPhoto] = ()) -> bytes:
    document = Document()
    _setup(document)
    title = _paragraph(
        document,
        report.title,
        font=TITLE_FONT,
        size=SIZE_2,
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    title.paragraph_format.line_spacing = Pt(35)
    _paragraph(document, "", indent=False)  # 标题下空一行
    chart = report_chart(report)
    for heading, part, subs in report.numbered():
        _paragraph(document, heading, font=H1_FONT).paragraph_format.keep_with_next = True
        _body(document, part, chart)
        for sub_heading, sub in subs:
            _paragraph(document, sub_heading, font=H2_FONT).paragraph_format.keep_with_next = True
            _body(document, sub, chart)
    document.paragraphs[-1].paragraph_format.keep_with_next = True  # the unit never alone
    _paragraph(document, "", indent=False).paragraph_format.keep_with_next = True
    for line in (report.signature, report.date):
        paragraph = _paragraph(document, line, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        paragraph.paragraph_format.right_indent = Pt(64)  # 右空四字
    if photos:
        _photos(document, photos)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

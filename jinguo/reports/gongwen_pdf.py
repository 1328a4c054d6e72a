"""The work report as PDF, in the layout of jinguo.reports.gongwen (GB/T 9704-2012): A4, the
same type area, 3号 body on a 22-line grid, headings, tables, the chart, «— N —» page numbers
(odd pages right, even pages left) and the unit and date at the end, then the attached photos
on a new page under «附件：照片».

reportlab's built-in Chinese font (the CID font STSong-Light, which every PDF reader has) is
used throughout: a server has no 仿宋, 黑体 or 楷体 to embed. Headings keep their sizes and
numbering; Word's file, which names the official fonts, is the one to print from.
"""

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors, textsplit
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as platypus_paragraph

from jinguo.cases.documents import FONT
from jinguo.reports.document_chart import chart_drawing, chart_key
from jinguo.reports.gongwen import PHOTOS_HEADING, ReportPhoto, photo_caption, photo_size_mm
from jinguo.reports.narrative import Part, WorkReport, report_chart
from jinguo.reports.report_tables import ReportTable

# reportlab's list of characters that may not start a line is Japanese: it lacks the Chinese
# full-width ，；：？！ and closing quotes, so a wrapped line could begin with «，». Chinese
# typesetting (避头) forbids it. Both wrappers (one text run, several) read a module global.
CANNOT_START = "，；：？！”’》〉"
for _module in (textsplit, platypus_paragraph):
    if CANNOT_START[0] not in _module.ALL_CANNOT_START:
        _module.ALL_CANNOT_START += CANNOT_START

TOP, BOTTOM, INNER, OUTER = 37 * mm, 35 * mm, 28 * mm, 26 * mm
SIZE_2, SIZE_3, SIZE_4, TABLE_SIZE = 22, 16, 14, 12
LINE = 28.95  # 225 mm / 22 lines


def _styles() -> dict[str, ParagraphStyle]:
    base = {"fontName": FONT, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle("title", fontSize=SIZE_2, leading=35, alignment=1, **base),
        "body": ParagraphStyle(
            "body", fontSize=SIZE_3, leading=LINE, firstLineIndent=2 * SIZE_3, **base
        ),
        # A heading never ends a page: it keeps the paragraph after it.
        "head": ParagraphStyle("head", fontSize=SIZE_3, leading=LINE, keepWithNext=1, **base),
        "center": ParagraphStyle("center", fontSize=SIZE_3, leading=LINE, alignment=1, **base),
        "sign": ParagraphStyle(
            "sign", fontSize=SIZE_3, leading=LINE, alignment=2, rightIndent=4 * SIZE_3, **base
        ),
        "cell": ParagraphStyle("cell", fontSize=TABLE_SIZE, leading=16, **base),
        "key": ParagraphStyle("key", fontSize=TABLE_SIZE, leading=18, **base),
    }


class _DrawingFlowable(Flowable):
    def __init__(self, drawing: Drawing) -> None:
        super().__init__()
        self.drawing = drawing
        self.width, self.height = drawing.width, drawing.height

    def draw(self) -> None:
        renderPDF.draw(self.drawing, self.canv, 0, 0)


class _PhotoFlowable(Flowable):
    """A photo, centred. Drawn from an ImageReader, which the PDF names by its pixels: the
    platypus Image names a file object by its repr, and two photos could share one name."""

    def __init__(self, content: bytes, width: float, height: float) -> None:
        super().__init__()
        self.reader = ImageReader(io.BytesIO(content))
        self.width, self.height = width, height
        self.hAlign = "CENTER"

    def draw(self) -> None:
        self.canv.drawImage(self.reader, 0, 0, width=self.width, height=self.height)


def _page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    """«— N —» in 4号, 7 mm below the type area, one character in from its edge."""
    number = canvas.getPageNumber()
    text = f"— {number} —"
    canvas.saveState()
    canvas.setFont(FONT, SIZE_4)
    y = BOTTOM - 7 * mm - SIZE_4
    if number % 2:
        canvas.drawRightString(A4[0] - OUTER - SIZE_4, y, text)
    else:
        canvas.drawString(INNER + SIZE_4, y, text)
    canvas.restoreState()


def _table(table: ReportTable, styles: dict[str, ParagraphStyle]) -> Table:
    rows = [
        [Paragraph(escape(v), styles["cell"]) for v in row] for row in [table.header, *table.rows]
    ]
    grid = Table(rows, repeatRows=1, hAlign="CENTER")
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return grid


def _body(part: Part, styles: dict[str, ParagraphStyle], chart: object) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(escape(t), styles["body"]) for t in part.paragraphs]
    for table in part.tables:
        story += [_table(table, styles), Spacer(1, LINE / 2)]
        if isinstance(chart, tuple) and chart[0] is table:
            drawn = chart[1]
            figure = [
                Paragraph(escape(drawn.title), styles["center"]),
                _DrawingFlowable(chart_drawing(drawn)),
                Paragraph(escape(chart_key(drawn.labels)), styles["key"]),
            ]
            story.append(KeepTogether(figure))
    return story


def _photos(photos: Sequence[ReportPhoto], styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), Paragraph(escape(PHOTOS_HEADING), styles["head"])]
    for number, photo in enumerate(photos, 1):
        width, height = photo_size_mm(photo)
        picture = _PhotoFlowable(photo.content, width * mm, height * mm)
        caption = Paragraph(escape(photo_caption(number, photo)), styles["center"])
        story.append(KeepTogether([picture, caption, Spacer(1, LINE / 2)]))
    return story


def report_pdf(report: WorkReport, *, photos: Sequence[ReportPhoto] = ()) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    styles = _styles()
    story: list[Flowable] = [
        Paragraph(escape(report.title), styles["title"]),
        Spacer(1, LINE),
    ]
    chart = report_chart(report)
    for heading, part, subs in report.numbered():
        story.append(Paragraph(escape(heading), styles["head"]))
        story += _body(part, styles, chart)
        for sub_heading, sub in subs:
            story.append(Paragraph(escape(sub_heading), styles["head"]))
            story += _body(sub, styles, chart)
    # The unit and date never stand alone on the last page: they keep the last paragraph.
    ending = [story.pop(), Spacer(1, LINE)]
    ending += [Paragraph(escape(line), styles["sign"]) for line in (report.signature, report.date)]
    story.append(KeepTogether(ending))
    if photos:
        story += _photos(photos, styles)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=report.title,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        leftMargin=INNER,
        rightMargin=OUTER,
    )
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()

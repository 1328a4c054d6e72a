"""The work report (工作报告) of an org and period, as Word (.docx) and PDF.

Both formats render the same `ReportData` (document_data.report_data): the title, the headline
paragraph, one section per domain with its figures and a table per child unit, a bar chart and
the notable cases. The PDF uses the CID font of the mediation agreement (cases.documents).
"""

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jinguo.cases.documents import FONT
from jinguo.reports.document_chart import Chart, chart_drawing, chart_key, drawing_png
from jinguo.reports.document_data import NotableCase, ReportData, format_value
from jinguo.reports.shapes import Section

NONE = "无"
# At most this many columns in a per-child table (the document is A4 portrait).
MAX_COLUMNS = 6


def _figure_line(section: Section) -> str:
    """ "执委 9名；网格 6个；…" — the section's figures in one line."""
    parts = [f"{f.label} {format_value(f.value)}{f.unit}" for f in section.figures]
    return "；".join(parts) + "。" if parts else _(NONE)


def _table_rows(section: Section) -> list[list[str]] | None:
    """Header + one row per child unit (the table's first MAX_COLUMNS columns), [] when the
    section has a per-child table but the org no child units, None when it has no table."""
    table = section.children
    if table is None:
        return None
    if not table.rows:
        return []
    header = [_("单位"), *(str(c) for c in table.columns[:MAX_COLUMNS])]
    rows = [header]
    for row in table.rows:
        rows.append([row.org.name, *(format_value(c.value) for c in row.cells[:MAX_COLUMNS])])
    return rows


def report_chart(data: ReportData) -> Chart:
    """Per child unit, the first column of the first section with a child table; without
    children, the first section's figures of the org itself."""
    for section in data.sections:
        table = section.children
        if table is not None and table.rows and table.columns:
            return Chart(
                title=_("%(section)s：各单位%(figure)s")
                % {"section": section.title, "figure": table.columns[0]},
                labels=[row.org.name for row in table.rows],
                values=[row.cells[0].value for row in table.rows],
            )
    figures = data.sections[0].figures if data.sections else []
    return Chart(
        title=_("主要数据"),
        labels=[str(f.label) for f in figures],
        values=[f.value for f in figures],
    )


def _case_line(case: NotableCase) -> str:
    tags = "、".join(case.tags)
    return (
        f"{case.number}　{case.kind}　{case.title}"
        f"（{case.status}；{_('调解结果')}：{case.outcome}；{tags}）"
    )


# --- Word -----------------------------------------------------------------------------------


def report_docx(data: ReportData) -> bytes:
    document = Document()
    heading = document.add_heading(data.title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(
        _("统计范围：%(org)s及下属组织；统计期间：%(start)s至%(end)s。")
        % {"org": data.org.name, "start": f"{data.start:%Y-%m-%d}", "end": f"{data.end:%Y-%m-%d}"}
    )
    document.add_heading(_("一、总体情况"), level=1)
    document.add_paragraph(data.headline())

    chart = report_chart(data)
    document.add_paragraph(chart.title)
    if chart.labels:
        png = drawing_png(chart_drawing(chart, numbered=True))
        document.add_picture(io.BytesIO(png), width=Cm(15))
        document.add_paragraph(chart_key(chart.labels))
    else:
        document.add_paragraph(_(NONE))

    for i, section in enumerate(data.sections, start=2):
        document.add_heading(f"{_number(i)}、{section.title}", level=1)
        document.add_paragraph(_figure_line(section))
        rows = _table_rows(section)
        if rows is None:
            continue
        if not rows:
            document.add_paragraph(_("下属单位：%(none)s") % {"none": _(NONE)})
            continue
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                table.cell(r, c).text = value

    notable = _("典型案事件")  # outside the f-string, so that makemessages finds it
    document.add_heading(f"{_number(len(data.sections) + 2)}、{notable}", level=1)
    if not data.notable:
        document.add_paragraph(_(NONE))
    for case in data.notable:
        document.add_paragraph(_case_line(case), style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _number(i: int) -> str:
    """Chinese ordinal for section headings: 1 → 一 … 19 → 十九."""
    digits = "零一二三四五六七八九"
    if i < 10:
        return digits[i]
    if i < 20:
        return "十" + (digits[i - 10] if i > 10 else "")
    return str(i)


# --- PDF ------------------------------------------------------------------------------------


class _DrawingFlowable(Flowable):
    def __init__(self, drawing: Drawing) -> None:
        super().__init__()
        self.drawing = drawing
        self.width, self.height = drawing.width, drawing.height

    def draw(self) -> None:
        from reportlab.graphics import renderPDF

        renderPDF.draw(self.drawing, self.canv, 0, 0)


def report_pdf(data: ReportData) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    title = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=26, alignment=1)
    head = ParagraphStyle("head", fontName=FONT, fontSize=13, leading=20, spaceBefore=10)
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=17, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8.5, leading=11, wordWrap="CJK")

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)

    story: list[Flowable] = [p(data.title, title), Spacer(1, 4 * mm)]
    story.append(
        p(
            _("统计范围：%(org)s及下属组织；统计期间：%(start)s至%(end)s。")
            % {
                "org": data.org.name,
                "start": f"{data.start:%Y-%m-%d}",
                "end": f"{data.end:%Y-%m-%d}",
            }
        )
    )
    story += [p(_("一、总体情况"), head), p(data.headline())]
    chart = report_chart(data)
    story.append(p(chart.title))
    story.append(_DrawingFlowable(chart_drawing(chart)) if chart.labels else p(_(NONE)))

    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3e5ec")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
    )
    for i, section in enumerate(data.sections, start=2):
        story += [p(f"{_number(i)}、{section.title}", head), p(_figure_line(section))]
        rows = _table_rows(section)
        if rows is None:
            continue
        if not rows:
            story.append(p(_("下属单位：%(none)s") % {"none": _(NONE)}))
            continue
        table = Table([[p(v, cell) for v in row] for row in rows], repeatRows=1)
        table.setStyle(grid)
        story.append(table)

    notable = _("典型案事件")
    story.append(p(f"{_number(len(data.sections) + 2)}、{notable}", head))
    if not data.notable:
        story.append(p(_(NONE)))
    for n, case in enumerate(data.notable, start=1):
        story.append(p(f"{n}. {_case_line(case)}"))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=data.title)
    doc.build(story)
    return buffer.getvalue()

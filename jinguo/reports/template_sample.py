"""The sample Word template of the work report, written in code (python-docx, then the tags as
text), and the sample report every uploaded template is tried on before it is saved.

The sample is the built-in 公文 layout (jinguo.reports.gongwen: A4, GB/T 9704 margins, 22
lines of 28 characters, page numbers) with a 红头: the unit's name in red 小标宋 over a red
rule, then the title, the period, the parts and their subsections, paragraphs and tables in
loops, a line of figures, and the signature and date.
"""

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from jinguo.reports.gongwen import (
    BODY_FONT,
    H1_FONT,
    H2_FONT,
    SIZE_2,
    TABLE_SIZE,
    TITLE_FONT,
    _font,
    _paragraph,
    _setup,
)
from jinguo.reports.narrative import Part, WorkReport
from jinguo.reports.report_tables import ReportTable

RED = RGBColor(0xE6, 0x00, 0x12)  # 发文机关标志 and the rule under it
MARK_SIZE = Pt(36)

# The figures the sample prints (each must be a key of the dashboard's figures).
SAMPLE_FIGURES = ("work.visits", "cases.disputes", "activities.held")


def _red_rule(paragraph: Paragraph) -> None:
    """A red line under the paragraph (the 版头's separating rule)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (
        ("w:val", "single"),
        ("w:sz", "18"),
        ("w:space", "8"),
        ("w:color", "E60012"),
    ):
        bottom.set(qn(attr), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _tag(document: Any, text: str) -> None:
    """A paragraph of its own for a {%p … %} tag: docxtpl removes it when rendering."""
    _paragraph(document, text, indent=False)


def _table(document: Any, owner: str) -> None:
    """The tables of `owner`, of any number of columns: the header's cells and each row's
    cells in loops."""
    _tag(document, f"{{%p for table in {owner}.tables %}}")
    _paragraph(document, "{{ table.title }}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    grid = document.add_table(rows=4, cols=3)
    grid.style = "Table Grid"
    cells = (
        ("{%tc for cell in table.header %}", "{{ cell }}", "{%tc endfor %}"),
        ("{%tr for row in table.rows %}", "", ""),
        ("{%tc for cell in row %}", "{{ cell }}", "{%tc endfor %}"),
        ("{%tr endfor %}", "", ""),
    )
    for r, values in enumerate(cells):
        for c, value in enumerate(values):
            paragraph = grid.cell(r, c).paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(paragraph.add_run(value), H1_FONT if r == 0 else BODY_FONT, TABLE_SIZE)
    _tag(document, "{%p endfor %}")


def _words(document: Any, owner: str) -> None:
    """The paragraphs and tables of `owner` (part or sub)."""
    _tag(document, f"{{%p for text in {owner}.paragraphs %}}")
    _paragraph(document, "{{ text }}")
    _tag(document, "{%p endfor %}")
    _table(document, owner)


def sample_template_docx() -> bytes:
    document = Document()
    _setup(document)
    mark = _paragraph(document, "", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    run = mark.add_run("{{ org }}妇女联合会")
    _font(run, TITLE_FONT, MARK_SIZE)
    run.font.color.rgb = RED
    mark.paragraph_format.line_spacing = Pt(48)
    _red_rule(mark)
    _paragraph(document, "", indent=False)
    title = _paragraph(
        document,
        "{{ title }}",
        font=TITLE_FONT,
        size=SIZE_2,
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    title.paragraph_format.line_spacing = Pt(35)
    _paragraph(
        document, "（{{ period }}）", font=H2_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _paragraph(document, "", indent=False)
    _tag(document, "{%p for part in parts %}")
    _paragraph(document, "{{ part.heading }}", font=H1_FONT).paragraph_format.keep_with_next = True
    _words(document, "part")
    _tag(document, "{%p for sub in part.subsections %}")
    _paragraph(document, "{{ sub.heading }}", font=H2_FONT).paragraph_format.keep_with_next = True
    _words(document, "sub")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p endfor %}")
    figures = "；".join(
        f'{{{{ figures["{key}"].label }}}}{{{{ figures["{key}"].value }}}}'
        f'{{{{ figures["{key}"].unit }}}}'
        for key in SAMPLE_FIGURES
    )
    _paragraph(document, f"本期主要数据：{figures}。")
    _paragraph(document, "", indent=False)
    for line in ("{{ signature }}", "{{ date }}"):
        paragraph = _paragraph(document, line, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        paragraph.paragraph_format.right_indent = Pt(64)  # 右空四字
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def sample_report(org: str = "嵩合社区") -> WorkReport:
    """A report of every shape a real one takes: parts, subsections, paragraphs, a table."""
    table = ReportTable(
        title="矛盾纠纷排查化解",
        header=["单位", "排查化解矛盾纠纷", "执委参与调处"],
        rows=[[f"{org}本级", "1", "1"], ["巫山组网格", "3", "2"]],
        labels=[f"{org}本级", "巫山组网格"],
        values=[1, 3],
    )
    return WorkReport(
        title=f"{org}妇联2026年工作总结",
        signature=f"{org}妇联",
        date="2026年12月7日",
        parts=[
            Part("basics", "基本情况", ["辖区共划分网格2个，联系家庭120户。"]),
            Part(
                "work",
                "主要做法和成效",
                [],
                parts=[
                    Part("work.visits", "联户走访与微心愿", ["执委入户走访36次。"]),
                    Part(
                        "work.cases", "矛盾纠纷排查化解", ["排查化解矛盾纠纷4件。"], tables=[table]
                    ),
                ],
            ),
            Part("problems", "存在问题", ["部分网格执委力量不足。"]),
            Part("plans", "下一步打算", ["加强执委队伍建设。"]),
        ],
    )

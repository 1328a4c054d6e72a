"""The people's mediation agreement (人民调解协议书) as a PDF or Word document, from the record.

The PDF uses reportlab's built-in CID font STSong-Light, so no font file has to ship.
"""

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from jinguo.cases.models import Case, CaseParticipant, MediationAgreement

FONT = "STSong-Light"


@dataclass(frozen=True)
class Section:
    heading: str
    lines: list[str]


def agreement_sections(*, case: Case, agreement: MediationAgreement) -> tuple[str, list[Section]]:
    """The document's number line and sections, shared by both formats."""
    mediators = [
        p.person.name
        for p in case.participants.select_related("person")
        if p.role == CaseParticipant.Role.MEDIATOR
    ]
    signed = f"{agreement.signed_on:%Y年%m月%d日}"
    sections = [
        Section(_("当事人"), agreement.party_lines),
        Section(_("纠纷主要事实、争议事项"), agreement.facts.splitlines()),
        Section(_("经调解，自愿达成如下协议"), agreement.terms.splitlines()),
        Section(_("履行方式、时限"), agreement.performance.splitlines() or ["—"]),
        Section(
            "",
            [
                _("本协议一式三份，当事人、人民调解委员会各持一份，自各方当事人签名之日起生效。"),
                _("当事人（签名）：") + "　" * 12,
                _("人民调解员（签名）：") + "、".join(mediators),
                _("人民调解委员会（印章）：") + case.org.name,
                signed,
            ],
        ),
    ]
    return _("编号：%(number)s") % {"number": case.number}, sections


def agreement_pdf(*, case: Case, agreement: MediationAgreement) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    title = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=26, alignment=1)
    head = ParagraphStyle("head", fontName=FONT, fontSize=12, leading=20, spaceBefore=8)
    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=18, wordWrap="CJK")
    number, sections = agreement_sections(case=case, agreement=agreement)
    story = [Paragraph(_("人民调解协议书"), title), Paragraph(escape(number), body)]
    for section in sections:
        if section.heading:
            story.append(Paragraph(escape(section.heading), head))
        story.extend(Paragraph(escape(line), body) for line in section.lines if line.strip())
    story.append(Spacer(1, 10 * mm))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=case.number)
    doc.build(story)
    return buffer.getvalue()


def agreement_docx(*, case: Case, agreement: MediationAgreement) -> bytes:
    document = Document()
    heading = document.add_heading(_("人民调解协议书"), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number, sections = agreement_sections(case=case, agreement=agreement)
    document.add_paragraph(number)
    for section in sections:
        if section.heading:
            document.add_heading(section.heading, level=2)
        for line in section.lines:
            if line.strip():
                document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

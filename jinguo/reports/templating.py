"""A city's or county's own Word template of the work report: a .docx with Jinja tags in it
(docxtpl), into which the report's words, tables and figures are placed. The tags are run in
Jinja's sandbox (a template is an upload: it may read the context, never call into Python),
with every unknown name an error, and the values escaped for Word's XML.

The context (CONTEXT_VARIABLES, shown on the templates page):
- title, org, signature, period, date: strings;
- parts: each with heading («一、基本情况»), name («基本情况»), key, paragraphs, tables and
  subsections (each with heading «（一）入户走访», name, key, paragraphs and tables);
- a table: title, header (the column names) and rows (each a list of cells, all strings);
- figures: key → {value, label, unit}, e.g. figures["work.visits"].value.
"""

import io
import logging
import re
import zipfile
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from jinguo.reports.document_data import format_value
from jinguo.reports.narrative import WorkReport
from jinguo.reports.report_tables import ReportTable
from jinguo.reports.shapes import Section

logger = logging.getLogger(__name__)

# What a template's package may hold unpacked (a small .docx can claim gigabytes).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024

FigureValues = Mapping[str, Mapping[str, Any]]

CONTEXT_VARIABLES = (
    ("{{ title }}", gettext_lazy("报告标题，如“嵩合社区妇联2026年工作总结”")),
    ("{{ org }}", gettext_lazy("报告单位名称，如“嵩合社区”")),
    ("{{ signature }}", gettext_lazy("落款单位，如“嵩合社区妇联”")),
    ("{{ period }}", gettext_lazy("统计期间，如“2026年”“2026年上半年”")),
    ("{{ date }}", gettext_lazy("成文日期，如“2026年12月7日”")),
    ("parts", gettext_lazy("报告的各部分（基本情况、主要做法和成效、存在问题、下一步打算）")),
    ("part.heading", gettext_lazy("带序号的标题，如“一、基本情况”；part.name 为不带序号的标题")),
    ("part.paragraphs", gettext_lazy("该部分的段落（文字，逐段循环）")),
    (
        "part.subsections",
        gettext_lazy("该部分的小节，各有 heading（如“（一）联户走访”）、name、paragraphs、tables"),
    ),
    (
        "part.tables",
        gettext_lazy(
            "该部分的表格，各有 title（表名）、header（表头各列）、rows（各行，每行为各格文字）"
        ),
    ),
    (
        "figures",
        gettext_lazy("各项数据，按数据项编号取用，各有 value（数值）、label（名称）、unit（单位）"),
    ),
)

HELP_TAGS = gettext_lazy(
    "模板是普通的 Word 文档，在需要填入内容的地方写变量，如 {{ title }}。逐项重复的内容用循环："
    "整段的循环标签单独成段，写作 {%p for part in parts %} … {%p endfor %}；表格的行和列分别用 "
    "{%tr … %} 和 {%tc … %}。示例模板中有完整的写法，建议在其基础上修改。段落文字由系统生成，"
    "原样填入。"
)
HELP_FIGURES = gettext_lazy(
    '按编号取用，如 {{ figures["work.visits"].value }}{{ figures["work.visits"].unit }}；'
    "value 为数值（已加千分位），label 为名称，unit 为单位。"
)


class TemplateRefused(Exception):
    """Why a template cannot be used, in Chinese."""


class _Figures(dict[str, dict[str, str]]):
    """The figures of a real report: a key the report lacks reads as an empty figure, so a
    template written for the whole dashboard still prints a unit's report."""

    def __missing__(self, key: str) -> dict[str, str]:
        return {"value": "", "label": "", "unit": ""}


def _table(table: ReportTable) -> dict[str, Any]:
    return {
        "title": table.title,
        "header": list(table.header),
        "rows": [list(r) for r in table.rows],
    }


def section_figures(sections: list[Section]) -> dict[str, dict[str, Any]]:
    """key → {label, value, unit} of every figure of the sections (as a round freezes them)."""
    return {
        f.key: {"label": str(f.label), "value": f.value, "unit": str(f.unit)}
        for section in sections
        for f in section.figures
    }


def figure_context(figures: FigureValues) -> dict[str, dict[str, str]]:
    """key → {value (formatted, «1,234»), label, unit}, as the template reads them."""
    out = {}
    for key, figure in figures.items():
        value = figure.get("value", 0)
        out[key] = {
            "value": format_value(value) if isinstance(value, int | float) else str(value),
            "label": str(figure.get("label", "")),
            "unit": str(figure.get("unit", "")),
        }
    return out


def template_context(
    report: WorkReport, *, org: str, period: str, figures: FigureValues
) -> dict[str, Any]:
    parts = []
    for heading, part, subs in report.numbered():
        parts.append(
            {
                "key": part.key,
                "heading": heading,
                "name": part.heading,
                "paragraphs": list(part.paragraphs),
                "tables": [_table(t) for t in part.tables],
                "subsections": [
                    {
                        "key": sub.key,
                        "heading": sub_heading,
                        "name": sub.heading,
                        "paragraphs": list(sub.paragraphs),
                        "tables": [_table(t) for t in sub.tables],
                    }
                    for sub_heading, sub in subs
                ],
            }
        )
    return {
        "title": report.title,
        "org": org,
        "signature": report.signature,
        "period": period,
        "date": report.date,
        "parts": parts,
        "figures": figure_context(figures),
    }


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def _near(exc: Exception) -> str:
    """The template's text around the error, as docxtpl gives it (tags stripped)."""
    lines = [line.strip() for line in getattr(exc, "docx_context", None) or []]
    return "".join(line for line in lines if line)[:80]


def _unknown_name(message: str) -> str:
    names = re.findall(r"'([^']+)'", message)
    return names[-1] if names else message


def _refusal(exc: Exception) -> str:
    if isinstance(exc, TemplateSyntaxError):
        near = _near(exc)
        text = _("模板标签写法有误：%(detail)s。请检查 {{ }} 和 {%% %%} 是否完整、成对。") % {
            "detail": exc.message or type(exc).__name__
        }
        return text + (_("出错处附近的文字：“%(near)s”。") % {"near": near} if near else "")
    if isinstance(exc, SecurityError) or "unsafe" in str(exc):  # the sandbox said no
        return _("模板中有不允许的写法（%(detail)s），只能读取报告的变量。") % {"detail": exc}
    if isinstance(exc, UndefinedError):
        return _("模板用到了不存在的变量或数据项“%(name)s”。可用的变量见本页的“模板变量说明”。") % {
            "name": _unknown_name(exc.message or "")
        }
    return _("模板无法套用：%(detail)s。") % {"detail": exc}


def _open(content: bytes) -> DocxTemplate:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = package.namelist()
            if "word/document.xml" not in names:
                raise TemplateRefused(_("这个文件不是 Word 文档（.docx）。"))
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise TemplateRefused(_("模板不能含有宏，请另存为不含宏的 .docx 后再上传。"))
            if sum(item.file_size for item in package.infolist()) > MAX_UNPACKED_BYTES:
                raise TemplateRefused(_("模板解压后太大，请删去其中的大图片后再上传。"))
    except zipfile.BadZipFile as exc:
        raise TemplateRefused(_("这个文件不是 Word 文档（.docx）。")) from exc
    return DocxTemplate(io.BytesIO(content))


def render_template(content: bytes, context: dict[str, Any]) -> bytes:
    """The template `content` filled with `context`, as a .docx; TemplateRefused (in Chinese)
    when it cannot be."""
    document = _open(content)
    try:
        document.render(context, jinja_env=_environment())
        out = io.BytesIO()
        document.save(out)
    except TemplateError as exc:
        raise TemplateRefused(_refusal(exc)) from exc
    except (SyntaxError, KeyError, ValueError) as exc:  # lxml's XMLSyntaxError is a SyntaxError
        raise TemplateRefused(
            _("模板套用后不是有效的 Word 文档（%(detail)s），请检查循环标签是否成对。")
            % {"detail": exc}
        ) from exc
    return out.getvalue()


def template_docx(
    content: bytes, report: WorkReport, *, org: str, period: str, figures: FigureValues
) -> bytes | None:
    """A real report through a unit's template; None when the template fails on it (it was
    checked when uploaded, so only a figure or a shape it never saw can): the caller then writes
    the built-in layout."""
    context = template_context(report, org=org, period=period, figures={})
    context["figures"] = _Figures(figure_context(figures))
    try:
        return render_template(content, context)
    except TemplateRefused as exc:
        logger.warning("report template failed, built-in layout used: %s", exc)
        return None

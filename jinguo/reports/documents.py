"""The work report as Word: through the template of the unit's county or city when one is
active (jinguo.reports.templating), else the built-in 公文 layout (jinguo.reports.gongwen).
The PDF is always the built-in layout. Every place that writes a unit's report as .docx (the
report page, a round's submitted versions and its consolidated report) comes through here."""

from collections.abc import Callable, Sequence

from jinguo.orgs.models import OrgUnit
from jinguo.reports.gongwen import ReportPhoto, report_docx, with_photos
from jinguo.reports.narrative import WorkReport
from jinguo.reports.selectors import template_for_org
from jinguo.reports.templating import FigureValues, template_docx


def unit_report_docx(
    report: WorkReport,
    *,
    org: OrgUnit,
    period: str,
    figures: Callable[[], FigureValues],
    photos: Sequence[ReportPhoto] = (),
) -> bytes:
    """`report` of `org` as .docx; `figures` is called only when a template is used. The
    photos of a round's answer follow the report on a page of their own, whichever layout."""
    template = template_for_org(org=org)
    if template is not None:
        with template.file.open("rb") as handle:
            content = handle.read()
        written = template_docx(content, report, org=org.name, period=period, figures=figures())
        if written is not None:
            return with_photos(written, photos)
    return report_docx(report, photos=photos)

"""The work report page: choose org and period, download Word or PDF."""

import datetime as dt
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from jinguo.audit.services import audit_record
from jinguo.common.figures import figure_url
from jinguo.common.http import AuthedRequest
from jinguo.common.params import org_param, period_params
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_list_visible
from jinguo.reports.document_data import period_label
from jinguo.reports.documents import unit_report_docx
from jinguo.reports.gongwen_pdf import report_pdf
from jinguo.reports.narrative import build_work_report_data
from jinguo.reports.selectors import template_for_org
from jinguo.reports.templating import section_figures

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
# The org picker lists units down to villages/communities (grids are too many at city scale).
PICKER_LIMIT = 300


def quick_periods(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """本年度 (to date), 上一季度, 上半年/下半年 (the last complete half-year)."""
    quarter = (today.month - 1) // 3  # 0..3, this quarter
    q_year, q_index = (today.year, quarter - 1) if quarter else (today.year - 1, 3)
    q_start = dt.date(q_year, q_index * 3 + 1, 1)
    q_end = (
        dt.date(q_year + 1, 1, 1) if q_index == 3 else dt.date(q_year, q_index * 3 + 4, 1)
    ) - dt.timedelta(days=1)
    if today.month > 6:
        h_start, h_end = dt.date(today.year, 1, 1), dt.date(today.year, 6, 30)
    else:
        h_start, h_end = dt.date(today.year - 1, 7, 1), dt.date(today.year - 1, 12, 31)
    return [
        ("this_year", today.replace(month=1, day=1), today),
        ("last_quarter", q_start, q_end),
        ("last_half", h_start, h_end),
    ]


def _picker_orgs(request: AuthedRequest) -> list[OrgUnit]:
    units = org_list_visible(user=request.user).exclude(
        kind__in=[OrgUnit.Kind.GRID, OrgUnit.Kind.MICRO_GRID]
    )
    return list(units.order_by("path")[:PICKER_LIMIT])


@login_required
@require_GET
def report_index(request: AuthedRequest) -> HttpResponse:
    org = org_param(request)
    start, end = period_params(request.GET)
    today = timezone.localdate()
    quick = [
        (
            label,
            figure_url(reverse("reports:index"), org=org.pk, start=s, end=e),
            period_label(s, e, today=today),
        )
        for label, s, e in quick_periods(today)
    ]
    params = {"org": org.pk, "start": start, "end": end}
    context = {
        "org": org,
        "start": start,
        "end": end,
        "period": period_label(start, end, today=today),
        "orgs": _picker_orgs(request),
        "quick": quick,
        "docx_url": figure_url(reverse("reports:work", args=["docx"]), **params),
        "pdf_url": figure_url(reverse("reports:work", args=["pdf"]), **params),
        "template": template_for_org(org=org),
    }
    return render(request, "reports/report_index.html", context)


@login_required
@require_GET
def report_download(request: AuthedRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    org = org_param(request)
    start, end = period_params(request.GET)
    report, data = build_work_report_data(
        user=request.user, org=org, start=start, end=end, today=timezone.localdate()
    )
    if fmt == "docx":  # through the unit's county's or city's template, if it has one
        content = unit_report_docx(
            report, org=org, period=data.period, figures=lambda: section_figures(data.sections)
        )
    else:
        content = report_pdf(report)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    filename = quote(f"{report.title}.{fmt}")
    response["Content-Disposition"] = (
        f"attachment; filename=\"work-report.{fmt}\"; filename*=UTF-8''{filename}"
    )
    response["Cache-Control"] = "no-store"
    audit_record(
        actor=request.user,
        action="reports.work_report",
        target=org,
        note=f"org={org.pk} period={start:%Y-%m-%d}..{end:%Y-%m-%d} format={fmt}",
    )
    return response

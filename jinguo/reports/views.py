"""The dashboard: every app's figures for one org and period, the change from the previous
period, a table per child unit, charts, and Excel exports of each table."""

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jinguo.common.http import AuthedRequest
from jinguo.common.params import org_param, period_params
from jinguo.common.xlsx import xlsx_download
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_breadcrumbs
from jinguo.reports import cached, periods, warming
from jinguo.reports.exports import children_columns, figure_columns, section_figures
from jinguo.reports.shapes import Section


def _params(request: AuthedRequest) -> tuple[OrgUnit, dt.date, dt.date]:
    if not request.user.has_business_scope:
        raise Http404
    org = org_param(request)
    start, end = period_params(request.GET)
    return org, start, end


def _charts(sections: list[Section], trends: dict[str, list[int]]) -> dict[str, Any]:
    """Plain data for the ECharts on the page (passed with json_script)."""
    bars = []
    for section in sections:
        if section.children and section.children.rows:
            bars.append(
                {
                    "id": f"chart-{section.key}",
                    "title": str(section.children.columns[0]),
                    "names": [row.org.name for row in section.children.rows],
                    "values": [row.cells[0].value for row in section.children.rows],
                }
            )
    labels = {"visits": _("走访"), "cases": _("纠纷诉求"), "activities": _("活动")}
    return {
        "months": [_("%(m)s月") % {"m": m} for m in range(1, 13)],
        "trend": [{"name": str(labels[k]), "data": v} for k, v in trends.items()],
        "bars": bars,
    }


def _dom_id(key: str) -> str:
    return "change-" + key.replace(".", "-").replace("_", "-")


@login_required
@require_GET
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The figures at once; the comparison with the previous period follows in a second
    request (dashboard_changes), swapped into each figure's placeholder by htmx."""
    org, start, end = _params(request)
    user = request.user
    board = cached.dashboard_board(user=user, org=org, start=start, end=end)
    warming.dashboard_opened(user=user, org=org, start=start, end=end)  # kept warm a while
    mode = periods.compare_mode(request.GET)
    prev_start, prev_end = periods.comparison_period(start, end, mode)
    rows = [
        (section, [(f, f.key in section.snapshot, _dom_id(f.key)) for f in section.figures])
        for section in board.sections
    ]
    context = {
        "org": org,
        "start": start,
        "end": end,
        "prev_start": prev_start,
        "prev_end": prev_end,
        "compare": mode,
        "compare_modes": list(periods.MODES.items()),
        "rows": rows,
        "charts": _charts(board.sections, board.trends),
        "year": end.year,
        "breadcrumbs": org_breadcrumbs(user=user, org=org),
    }
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def dashboard_changes(request: AuthedRequest) -> HttpResponse:
    """Out-of-band fragments: each period figure's change from the period compared with
    (?compare=yoy, 同比, by default; prev, 环比)."""
    org, start, end = _params(request)
    user = request.user
    mode = periods.compare_mode(request.GET)
    board = cached.dashboard_board(user=user, org=org, start=start, end=end)
    changes = cached.dashboard_changes(user=user, org=org, start=start, end=end, mode=mode)
    items = [
        (_dom_id(f.key), changes[f.key])
        for section in board.sections
        for f in section.figures
        if f.key not in section.snapshot and f.key in changes
    ]
    return render(request, "reports/_changes.html", {"items": items})


@login_required
@require_GET
def dashboard_export(request: AuthedRequest) -> HttpResponse:
    """?table=figures (every figure with the previous period) or ?table=<section key> (that
    section's per-child table), as Excel; audited as "dashboard.export"."""
    org, start, end = _params(request)
    user = request.user
    table = request.GET.get("table", "figures")
    mode = periods.compare_mode(request.GET)
    board = cached.dashboard_cached(user=user, org=org, start=start, end=end, mode=mode)
    sections = board.sections
    note = f"org={org.pk} start={start} end={end} table={table} compare={mode}"
    if table == "figures":
        return xlsx_download(
            actor=user,
            action="dashboard.export",
            filename=_("工作看板-%(org)s") % {"org": org.name},
            columns=figure_columns(mode=mode, changes=board.changes),
            records=section_figures(sections),
            note=note,
        )
    section = next((s for s in sections if s.key == table and s.children), None)
    if section is None or section.children is None:
        raise Http404
    children = section.children
    return xlsx_download(
        actor=user,
        action="dashboard.export",
        filename=_("%(section)s-%(org)s下级") % {"section": section.title, "org": org.name},
        columns=children_columns(children),
        records=children.rows,
        note=note,
    )

"""Pages of the issuing unit: the rounds, a new round, a round's progress (per unit and in
total), reminding the late units, closing, the Excel of the progress, the paragraphs its
consolidated report quotes and that report. The answering unit's pages are in answer_views."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.audit.services import audit_record
from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.common.xlsx import xlsx_download
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, scope_covers
from jinguo.reports.documents import unit_report_docx
from jinguo.reports.sections import dashboard_sections
from jinguo.rounds import forms, selectors, services
from jinguo.rounds.consolidated import consolidated_report
from jinguo.rounds.exports import PROGRESS_COLUMNS
from jinguo.rounds.filling import read_figures, round_period
from jinguo.rounds.models import Round
from jinguo.rounds.quoting import MAX_QUOTES, chosen_quotes, quote_candidates

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _business(request: AuthedRequest) -> OrgUnit:
    """The user's unit; 403 for an account without one (the three administrators)."""
    if request.user.org is None:
        raise PermissionDenied
    return request.user.org


@login_required
@require_GET
def round_list(request: AuthedRequest) -> HttpResponse:
    org = _business(request)
    context = {
        "tasks": selectors.my_tasks(user=request.user),
        "rounds": selectors.round_list(user=request.user)[:100],
        "may_issue": may_write_at(user=request.user, org=org)
        and forms.target_choices(org=org).exists(),
    }
    return render(request, "rounds/round_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: AuthedRequest) -> HttpResponse:
    org = _business(request)
    if not may_write_at(user=request.user, org=org):
        raise PermissionDenied
    today = timezone.localdate()
    sections = dashboard_sections(user=request.user, org=org, start=today, end=today)
    form = forms.RoundForm(request.POST or None, user=request.user, org=org, sections=sections)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data["targets"] = list(data["targets"])
        round_ = call_service(
            form, lambda: services.round_create(actor=request.user, org=org, **data)
        )
        if round_ is not None:
            messages.success(request, _("报送任务已发起，各单位数据已从台账生成。"))
            return redirect("rounds:detail", round_id=round_.pk)
    return render(request, "rounds/round_form.html", {"form": form})


@login_required
@require_GET
def round_detail(request: AuthedRequest, round_id: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, round_id=round_id)
    progress = selectors.round_progress(round_=round_, user=request.user)
    context = {
        "round": round_,
        "progress": progress,
        "issuer": may_write_at(user=request.user, org=round_.org),
        "overseer": scope_covers(user=request.user, org=round_.org),
        "history": selectors.round_history(round_=round_)[:30],
    }
    return render(request, "rounds/round_detail.html", context)


@login_required
@require_POST
def round_remind(request: AuthedRequest, round_id: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, round_id=round_id, for_write=True)
    count = services.round_remind(actor=request.user, round_=round_)
    messages.success(request, _("已提醒%(n)s个未报送单位。") % {"n": count})
    return redirect("rounds:detail", round_id=round_.pk)


@login_required
@require_POST
def round_close(request: AuthedRequest, round_id: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, round_id=round_id, for_write=True)
    if round_.status == Round.Status.OPEN:
        services.round_close(actor=request.user, round_=round_)
        messages.success(request, _("报送任务已结束。"))
    return redirect("rounds:detail", round_id=round_.pk)


@login_required
@require_GET
def round_export(request: AuthedRequest, round_id: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, round_id=round_id)
    progress = selectors.round_progress(round_=round_, user=request.user)
    return xlsx_download(
        actor=request.user,
        action="rounds.export",
        filename=round_.title,
        columns=PROGRESS_COLUMNS,
        records=progress.rows,
        note=f"round={round_.pk}",
    )


@login_required
@require_GET
def round_report(request: AuthedRequest, round_id: int) -> HttpResponse:
    """The issuing unit's consolidated report (.docx)."""
    round_ = selectors.round_get_for_user(user=request.user, round_id=round_id)
    if not scope_covers(user=request.user, org=round_.org):  # the issuing unit and above
        raise PermissionDenied
    report = consolidated_report(user=request.user, round_=round_)
    content = unit_report_docx(
        report,
        org=round_.org,
        period=round_period(round_),
        figures=lambda: read_figures(user=request.user, org=round_.org, round_=round_),
    )
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = (
        f'attachment; filename="round-{round_.pk}.docx"; '
        f"filename*=UTF-8''{quote(report.title + '.docx')}"
    )
    response["Cache-Control"] = "no-store"
    audit_record(actor=request.user, action="rounds.report", target=round_, note="format=docx")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def round_quotes(request: AuthedRequest, round_id: int) -> HttpResponse:
    """The paragraphs of the units' latest answers, by unit and part; the issuing unit's
    writers tick those its consolidated report quotes (the units above it may look)."""
    round_ = selectors.round_get_for_user(user=request.user, round_id=round_id)
    if not scope_covers(user=request.user, org=round_.org):
        raise PermissionDenied
    writer = may_write_at(user=request.user, org=round_.org)
    posted = request.method == "POST"
    if posted and not writer:
        raise PermissionDenied
    units = quote_candidates(user=request.user, round_=round_)
    offered = [ref for unit in units for _h, refs in unit.groups for ref, _p in refs]
    form = forms.QuotesForm(request.POST if posted else None, offered=offered)
    if posted and form.is_valid():
        done = call_service(
            form,
            lambda: services.round_choose_quotes(
                round_=round_, actor=request.user, choices=form.refs()
            ),
        )
        if done is not None:
            messages.success(request, _("引用段落已保存。"))
            return redirect("rounds:quotes", round_id=round_.pk)
    chosen = chosen_quotes(user=request.user, round_=round_)
    ticked = set(request.POST.getlist("quotes")) if posted else {q.ref.value for q in chosen}
    context = {
        "round": round_,
        "units": units,
        "chosen": chosen,
        "stale": [q for q in chosen if q.stale],
        "current": [q for q in chosen if not q.stale],
        "ticked": ticked,
        "form": form,
        "writer": writer,
        "max_quotes": MAX_QUOTES,
    }
    return render(request, "rounds/round_quotes.html", context)

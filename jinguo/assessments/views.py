"""Pages of assessments (schemes, rounds, results, appeals, figures; allowances in
jinguo.assessments.allowance_views): parse → fetch-and-check → service → render/redirect.
Records come through the scoped selectors: out of scope is a 404, writes by a read-only
role a 403."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.assessments import appeals, forms, selectors, services
from jinguo.assessments.exports import RESULT_COLUMNS
from jinguo.assessments.models import (
    Appeal,
    AssessmentResult,
    AssessmentRound,
)
from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.common.params import (
    choice_param,
    date_param,
    int_param,
    org_param,
    period_params,
)
from jinguo.common.xlsx import xlsx_download
from jinguo.orgs.selectors import may_write_at

# Where the records behind a measured value are shown (URL names, reversed with the pk).
RECORD_URLS = {
    "households": "households:detail",
    "late": "households:detail",
    "cases": "cases:detail",
    "on_time": "cases:detail",
    "meetings": "meetings:detail",
    "meetings_missed": "meetings:detail",
    "sessions": "trainings:session",
    "sessions_missed": "trainings:session",
}
RECORD_LABELS = {
    "households": "按时走访家庭",
    "late": "未按时走访家庭",
    "cases": "案件",
    "on_time": "按期办结",
    "meetings": "出席会议",
    "meetings_missed": "缺席会议",
    "sessions": "出勤培训",
    "sessions_missed": "缺勤培训",
}


def _scoped(request: AuthedRequest) -> None:
    if not request.user.has_business_scope:
        raise Http404


def _errors_to_messages(request: AuthedRequest, form: Form) -> None:
    for errors in form.errors.values():
        messages.error(request, "；".join(str(e) for e in errors))


def _run(request: AuthedRequest, service: Any, done: str) -> bool:
    try:
        service()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    messages.success(request, done)
    return True


# --- schemes -----------------------------------------------------------------------------------


@login_required
@require_GET
def scheme_list(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    schemes = selectors.schemes_visible(user=request.user).order_by("org__path", "-valid_from")
    return render(request, "assessments/scheme_list.html", {"schemes": schemes})


@login_required
@require_http_methods(["GET", "POST"])
def scheme_create(request: AuthedRequest) -> HttpResponse:
    if not request.user.can_write:
        raise PermissionDenied
    form = forms.SchemeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scheme = call_service(
            form,
            lambda: services.scheme_create(
                actor=request.user,
                org=data["org"],
                name=data["name"],
                valid_from=data["valid_from"],
                items=form.items(),
                grade_bands=form.grade_bands(),
                points_target=data.get("points_target"),
            ),
        )
        if scheme is not None:
            return redirect("assessments:scheme_detail", scheme_id=scheme.pk)
    return render(request, "assessments/scheme_form.html", {"form": form})


@login_required
@require_GET
def scheme_detail(request: AuthedRequest, scheme_id: int) -> HttpResponse:
    scheme = selectors.scheme_get_for_user(user=request.user, scheme_id=scheme_id)
    history = scheme.changes.select_related("actor")
    return render(request, "assessments/scheme_detail.html", {"scheme": scheme, "history": history})


# --- rounds ------------------------------------------------------------------------------------


@login_required
@require_GET
def round_list(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    rounds = selectors.round_list(user=request.user)
    page = Paginator(rounds, 50).get_page(request.GET.get("page"))
    return render(request, "assessments/round_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: AuthedRequest) -> HttpResponse:
    if not request.user.can_write:
        raise PermissionDenied
    form = forms.RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        round = call_service(
            form, lambda: services.round_create(actor=request.user, **form.cleaned_data)
        )
        if round is not None:
            return redirect("assessments:round_detail", round_id=round.pk)
    return render(request, "assessments/round_form.html", {"form": form})


def _sort(request: AuthedRequest) -> str:
    return choice_param(request.GET, "sort", list(selectors.SORTS)) or "-total"


@login_required
@require_GET
def round_detail(request: AuthedRequest, round_id: int) -> HttpResponse:
    round = selectors.round_get_for_user(user=request.user, round_id=round_id)
    sort = _sort(request)
    results = selectors.result_list(user=request.user, round=round, sort=sort)
    context = {
        "round": round,
        "results": results,
        "sort": sort,
        "history": selectors.round_history(round=round),
        "may_write": may_write_at(user=request.user, org=round.org),
        "items": list(round.scheme.items.all()),
    }
    return render(request, "assessments/round_detail.html", context)


ROUND_ACTIONS = {
    "compute": (services.assessment_compute, _("已测算")),
    "publish": (services.round_publish, _("已公布")),
    "close": (services.round_close, _("已结束")),
}


@login_required
@require_POST
def round_action(request: AuthedRequest, round_id: int, action: str) -> HttpResponse:
    if action not in ROUND_ACTIONS:
        raise Http404
    round = selectors.round_get_for_user(user=request.user, round_id=round_id, for_write=True)
    service, done = ROUND_ACTIONS[action]
    _run(request, lambda: service(actor=request.user, round=round), str(done))
    return redirect("assessments:round_detail", round_id=round.pk)


@login_required
@require_GET
def round_export(request: AuthedRequest, round_id: int) -> HttpResponse:
    round = selectors.round_get_for_user(user=request.user, round_id=round_id)
    results = selectors.result_list(user=request.user, round=round, sort=_sort(request))
    return xlsx_download(
        actor=request.user,
        action="assessments.export",
        filename=_("考核结果"),
        columns=RESULT_COLUMNS,
        records=results.iterator(),
        note=f"round={round.pk}",
    )


# --- results -----------------------------------------------------------------------------------


def _result_filters(request: AuthedRequest) -> dict[str, Any]:
    params = request.GET
    org = org_param(request) if int_param(params, "org") else None
    return {
        "org": org,
        "start": date_param(params, "start"),
        "end": date_param(params, "end"),
        "final": params.get("final") == "1",
        "grade": params.get("grade") or None,
        "appeal": choice_param(params, "appeal", list(Appeal.Status.values)),
        "sort": _sort(request),
    }


@login_required
@require_GET
def result_list(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    filters = _result_filters(request)
    results = selectors.result_list(user=request.user, **filters)
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("page", None)
    context = {"page": page, "filters": filters, "query": query.urlencode()}
    return render(request, "assessments/result_list.html", context)


@login_required
@require_GET
def result_export(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    filters = _result_filters(request)
    results = selectors.result_list(user=request.user, **filters)
    return xlsx_download(
        actor=request.user,
        action="assessments.export",
        filename=_("考核结果"),
        columns=RESULT_COLUMNS,
        records=results.iterator(),
        note=request.GET.urlencode(),
    )


def _breakdown(result: AssessmentResult) -> list[dict[str, Any]]:
    rows = []
    for metric, value in result.metrics.items():
        records = [
            {
                "label": RECORD_LABELS.get(kind, kind),
                "links": [(pk, reverse(RECORD_URLS[kind], args=[pk])) for pk in ids]
                if kind in RECORD_URLS
                else [(pk, "") for pk in ids],
            }
            for kind, ids in (value.get("records") or {}).items()
            if ids
        ]
        rows.append({"metric": metric, **value, "record_groups": records})
    return rows


def _may_score(request: AuthedRequest, result: AssessmentResult) -> bool:
    return may_write_at(user=request.user, org=result.round.org, cadre_only=True)


@login_required
@require_GET
def result_detail(request: AuthedRequest, result_id: int) -> HttpResponse:
    result = selectors.result_get_for_user(user=request.user, result_id=result_id)
    appeal = selectors.result_appeal(result=result)
    round = result.round
    may_score = _may_score(request, result)
    deadline = appeals.appeal_deadline(round)
    may_appeal = (
        request.user.person_id == result.person_id
        and appeal is None
        and round.status == AssessmentRound.Status.PUBLISHED
        and deadline is not None
        and timezone.now() <= deadline
    )
    context = {
        "result": result,
        "round": round,
        "breakdown": _breakdown(result),
        "manual_items": [i for i in round.scheme.items.all() if i.is_manual],
        "appeal": appeal,
        "deadline": deadline,
        "history": selectors.result_history(result=result),
        "score_form": forms.ManualScoreForm(result=result)
        if may_score and round.status == AssessmentRound.Status.SCORING
        else None,
        "appeal_form": forms.AppealForm() if may_appeal else None,
        "decision_form": forms.AppealDecisionForm()
        if may_score
        and appeal is not None
        and appeal.status == Appeal.Status.PENDING
        and request.user.person_id != result.person_id
        else None,
    }
    return render(request, "assessments/result_detail.html", context)


@login_required
@require_POST
def result_score(request: AuthedRequest, result_id: int) -> HttpResponse:
    result = selectors.result_get_for_user(user=request.user, result_id=result_id, for_write=True)
    form = forms.ManualScoreForm(request.POST, result=result)
    if form.is_valid():
        _run(
            request,
            lambda: services.result_score_manual(
                actor=request.user, result=result, scores=form.scores()
            ),
            _("已保存评分"),
        )
    else:
        _errors_to_messages(request, form)
    return redirect("assessments:result_detail", result_id=result.pk)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_file(request: AuthedRequest, result_id: int) -> HttpResponse:
    # Her own result, kept at the round's unit above her: appeals.appeal_file decides who files.
    result = selectors.result_get_for_user(user=request.user, result_id=result_id)
    if request.user.person_id != result.person_id:
        raise PermissionDenied  # only the executive herself appeals
    form = forms.AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        appeal = call_service(
            form,
            lambda: appeals.appeal_file(
                actor=request.user, result=result, reason=form.cleaned_data["reason"]
            ),
        )
        if appeal is not None:
            messages.success(request, _("申诉已提交"))
            return redirect("assessments:result_detail", result_id=result.pk)
    return render(request, "assessments/appeal_form.html", {"form": form, "result": result})


@login_required
@require_http_methods(["GET", "POST"])
def appeal_decide(request: AuthedRequest, appeal_id: int) -> HttpResponse:
    appeal = selectors.appeal_get_for_user(user=request.user, appeal_id=appeal_id, for_write=True)
    form = forms.AppealDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decided = call_service(
            form,
            lambda: appeals.appeal_decide(
                actor=request.user,
                appeal=appeal,
                accept=data["accept"],
                decision=data.get("decision") or "",
                new_total=data.get("new_total"),
            ),
        )
        if decided is not None:
            messages.success(request, _("申诉已处理"))
            return redirect("assessments:result_detail", result_id=appeal.result_id)
    context = {"form": form, "appeal": appeal, "result": appeal.result}
    return render(request, "assessments/appeal_decide.html", context)


# --- figures -----------------------------------------------------------------------------------


@login_required
@require_GET
def figures(request: AuthedRequest) -> HttpResponse:
    org = org_param(request)
    start, end = period_params(request.GET)
    figures = selectors.assessments_figures(user=request.user, org=org, start=start, end=end)
    context = {"org": org, "start": start, "end": end, "figures": figures}
    return render(request, "assessments/figures.html", context)

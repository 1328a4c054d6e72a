"""Pages of loans and job fairs. Records come through the selectors' fetch-and-check: out of
scope is a 404, a write by a read-only role a 403."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.common.forms import call_service, choice_queryset
from jinguo.common.http import AuthedRequest
from jinguo.common.params import choice_param, date_param, int_param, org_param, period_params
from jinguo.common.xlsx import query_note, xlsx_download
from jinguo.employment import forms, selectors, services
from jinguo.employment.exports import LOAN_COLUMNS, POST_COLUMNS, employer_posts
from jinguo.employment.models import JobFair, Loan, LoanChange
from jinguo.orgs.selectors import may_write_at, org_get_for_user

Runner = Callable[..., Any]
LOAN_ACTIONS: dict[str, tuple[type[Form], Runner]] = {
    LoanChange.Action.APPROVE: (forms.ApproveForm, services.loan_approve),
    LoanChange.Action.REJECT: (forms.RejectForm, services.loan_reject),
    LoanChange.Action.ISSUE: (forms.IssueForm, services.loan_issue),
    LoanChange.Action.OVERDUE: (forms.NoteForm, services.loan_mark_overdue),
    LoanChange.Action.REPAY: (forms.RepayForm, services.loan_repay),
}


def _business(request: AuthedRequest) -> None:
    if not request.user.has_business_scope:
        raise Http404


def _period_filters(request: AuthedRequest) -> dict[str, Any]:
    params = request.GET
    org_id = int_param(params, "org")
    return {
        "org": org_get_for_user(user=request.user, org_id=org_id) if org_id else None,
        "start": date_param(params, "start"),
        "end": date_param(params, "end"),
    }


# --- loans --------------------------------------------------------------------------------------


def _loan_filters(request: AuthedRequest) -> dict[str, Any]:
    return {
        **_period_filters(request),
        "status": choice_param(request.GET, "status", list(Loan.Status.values)),
        "on": choice_param(request.GET, "on", list(selectors.LOAN_DATES)) or "issued",
    }


@login_required
@require_GET
def loan_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    filters = _loan_filters(request)
    loans = selectors.loan_list(user=request.user, **filters)
    page = Paginator(loans, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "statuses": Loan.Status.choices,
        "query": request.GET.urlencode(),
    }
    fragment = request.headers.get("HX-Request")
    return render(
        request, "employment/loan_rows.html" if fragment else "employment/loan_list.html", context
    )


@login_required
@require_GET
def loan_export(request: AuthedRequest) -> HttpResponse:
    _business(request)
    loans = selectors.loan_list(user=request.user, **_loan_filters(request))
    return xlsx_download(
        actor=request.user,
        action="employment.export",
        filename=_("创业担保贷款"),
        columns=LOAN_COLUMNS,
        records=loans.iterator(chunk_size=500),
        note=f"loans; {query_note(request.GET)}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def loan_apply(request: AuthedRequest) -> HttpResponse:
    if not request.user.can_write:
        raise PermissionDenied
    form = forms.LoanApplyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        loan = call_service(form, lambda: services.loan_apply(actor=request.user, **data))
        if loan is not None:
            return redirect("employment:loan_detail", loan_id=loan.pk)
    chosen = []
    if form.is_bound:
        ids = [v for v in request.POST.getlist("borrower") if v.isdigit()]
        chosen = list(choice_queryset(form, "borrower").filter(pk__in=ids))
    return render(request, "employment/loan_form.html", {"form": form, "chosen": chosen})


@login_required
@require_GET
def loan_detail(request: AuthedRequest, loan_id: int) -> HttpResponse:
    loan = selectors.loan_get_for_user(user=request.user, loan_id=loan_id)
    may_act = may_write_at(user=request.user, org=loan.org)
    actions = []
    if may_act:
        actions = [
            (a, LoanChange.Action(a).label, LOAN_ACTIONS[a][0](prefix=a))
            for a in services.allowed_actions(loan)
        ]
    context = {"loan": loan, "history": selectors.loan_history(loan=loan), "actions": actions}
    return render(request, "employment/loan_detail.html", context)


@login_required
@require_POST
def loan_action(request: AuthedRequest, loan_id: int, action: str) -> HttpResponse:
    if action not in LOAN_ACTIONS:
        raise Http404
    loan = selectors.loan_get_for_user(user=request.user, loan_id=loan_id, for_write=True)
    form_class, run = LOAN_ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(form, lambda: run(actor=request.user, loan=loan, **data))
        if done is not None:
            messages.success(
                request, _("已%(action)s") % {"action": LoanChange.Action(action).label}
            )
            return redirect("employment:loan_detail", loan_id=loan.pk)
    for errors in form.errors.values():
        messages.error(request, "；".join(str(e) for e in errors))
    return redirect("employment:loan_detail", loan_id=loan.pk)


# --- job fairs ----------------------------------------------------------------------------------


@login_required
@require_GET
def fair_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    filters = _period_filters(request)
    fairs = selectors.job_fair_list(user=request.user, **filters)
    page = Paginator(fairs, 50).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "query": request.GET.urlencode()}
    return render(request, "employment/fair_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def fair_create(request: AuthedRequest) -> HttpResponse:
    if not request.user.can_write:
        raise PermissionDenied
    form = forms.JobFairForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fair = call_service(form, lambda: services.job_fair_create(actor=request.user, **data))
        if fair is not None:
            return redirect("employment:fair_detail", fair_id=fair.pk)
    return render(request, "employment/fair_form.html", {"form": form})


def _may_write_fair(request: AuthedRequest, fair: JobFair) -> bool:
    return may_write_at(user=request.user, org=fair.org)


def _fair_context(
    request: AuthedRequest,
    fair: JobFair,
    employer_form: Form | None = None,
    post_forms: dict[int, Form] | None = None,
) -> dict[str, Any]:
    employers = list(selectors.job_fair_employers(fair=fair))
    post_forms = post_forms or {}
    for employer in employers:
        # The template reads each row's own form; an attribute the model does not declare.
        employer.post_form = post_forms.get(employer.pk) or forms.PostForm(  # type: ignore[attr-defined]
            prefix=f"post{employer.pk}"
        )
    return {
        "fair": fair,
        "employers": employers,
        "may_write": _may_write_fair(request, fair),
        "employer_form": employer_form or forms.EmployerForm(prefix="employer"),
    }


@login_required
@require_GET
def fair_detail(request: AuthedRequest, fair_id: int) -> HttpResponse:
    fair = selectors.job_fair_get_for_user(user=request.user, fair_id=fair_id)
    context = _fair_context(request, fair)
    context["history"] = selectors.job_fair_history(fair=fair)
    context["results_form"] = forms.ResultsForm(
        prefix="results", initial={"visitors": fair.visitors, "intents": fair.intents}
    )
    return render(request, "employment/fair_detail.html", context)


def _employers_answer(request: AuthedRequest, fair: JobFair, **forms_: Any) -> HttpResponse:
    if request.headers.get("HX-Request"):
        context = _fair_context(request, fair, **forms_)
        return render(request, "employment/_fair_employers.html", context)
    for form in [forms_.get("employer_form"), *(forms_.get("post_forms") or {}).values()]:
        if form is not None:
            for errors in form.errors.values():
                messages.error(request, "；".join(str(e) for e in errors))
    return redirect("employment:fair_detail", fair_id=fair.pk)


@login_required
@require_POST
def fair_add_employer(request: AuthedRequest, fair_id: int) -> HttpResponse:
    fair = selectors.job_fair_get_for_user(user=request.user, fair_id=fair_id, for_write=True)
    form = forms.EmployerForm(request.POST, prefix="employer")
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form, lambda: services.job_fair_add_employer(actor=request.user, fair=fair, **data)
        )
        if done is not None:
            return _employers_answer(request, fair)
    return _employers_answer(request, fair, employer_form=form)


@login_required
@require_POST
def fair_add_post(request: AuthedRequest, fair_id: int, employer_id: int) -> HttpResponse:
    fair = selectors.job_fair_get_for_user(user=request.user, fair_id=fair_id, for_write=True)
    employer = selectors.job_fair_employer_get(fair=fair, employer_id=employer_id)
    form = forms.PostForm(request.POST, prefix=f"post{employer.pk}")
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form, lambda: services.job_fair_add_post(actor=request.user, employer=employer, **data)
        )
        if done is not None:
            return _employers_answer(request, fair)
    return _employers_answer(request, fair, post_forms={employer.pk: form})


@login_required
@require_POST
def fair_results(request: AuthedRequest, fair_id: int) -> HttpResponse:
    fair = selectors.job_fair_get_for_user(user=request.user, fair_id=fair_id, for_write=True)
    form = forms.ResultsForm(request.POST, prefix="results")
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form, lambda: services.job_fair_record_results(actor=request.user, fair=fair, **data)
        )
        if done is not None:
            messages.success(request, _("已登记成效"))
            return redirect("employment:fair_detail", fair_id=fair.pk)
    context = _fair_context(request, fair)
    context["history"] = selectors.job_fair_history(fair=fair)
    context["results_form"] = form
    return render(request, "employment/fair_detail.html", context, status=400)


@login_required
@require_GET
def employer_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    filters = _period_filters(request)
    rows = selectors.employer_list(user=request.user, **filters)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "query": request.GET.urlencode()}
    return render(request, "employment/employer_list.html", context)


@login_required
@require_GET
def post_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    filters = _period_filters(request)
    rows = selectors.post_list(user=request.user, **filters)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "query": request.GET.urlencode()}
    return render(request, "employment/post_list.html", context)


@login_required
@require_GET
def post_export(request: AuthedRequest) -> HttpResponse:
    """Employers and their posts, one row a post (an employer without posts: one blank row)."""
    _business(request)
    employers = selectors.employer_list(
        user=request.user, **_period_filters(request)
    ).prefetch_related("posts")
    return xlsx_download(
        actor=request.user,
        action="employment.export",
        filename=_("招聘会单位与岗位"),
        columns=POST_COLUMNS,
        records=employer_posts(employers),
        note=f"fair posts; {query_note(request.GET)}",
    )


@login_required
@require_GET
def employment_figures(request: AuthedRequest) -> HttpResponse:
    _business(request)
    org = org_param(request)
    start, end = period_params(request.GET)
    figures = selectors.employment_figures(user=request.user, org=org, start=start, end=end)
    context = {"org": org, "start": start, "end": end, "figures": figures}
    return render(request, "employment/figures.html", context)

"""Pages of the case loop. Cases come through case_get_for_user: out of scope is a 404, an
action by a read-only role (or at a unit the user does not handle) a 403."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.audit.services import audit_record
from jinguo.cases import documents, forms, selectors, services
from jinguo.cases.home import TODO_KEYS, case_todo_q
from jinguo.cases.models import Case, CaseKind, CaseTransition
from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.common.pagination import CachedCountPaginator
from jinguo.common.params import date_param, org_param, period_params

Runner = Callable[..., Any]

# action → (form class, whether it takes the case, the service call with the cleaned data)
ACTIONS: dict[str, tuple[type[Form], bool, Runner]] = {
    CaseTransition.Action.ACCEPT: (forms.NoteForm, False, services.case_accept),
    CaseTransition.Action.REJECT: (forms.ReasonForm, False, services.case_reject),
    CaseTransition.Action.DISPATCH: (forms.DispatchForm, True, services.case_dispatch),
    CaseTransition.Action.START: (forms.NoteForm, False, services.case_start),
    CaseTransition.Action.DELAY: (forms.DelayForm, False, services.case_request_delay),
    CaseTransition.Action.RETURN: (forms.ReasonForm, False, services.case_return),
    CaseTransition.Action.RESOLVE: (forms.ResolveForm, False, services.case_resolve),
    CaseTransition.Action.VERIFY: (forms.VerifyForm, False, services.case_verify),
    CaseTransition.Action.CLOSE: (forms.NoteForm, False, services.case_close),
    CaseTransition.Action.RATE: (forms.RateForm, False, services.case_rate),
    CaseTransition.Action.ESCALATE: (forms.ReasonForm, False, services.case_escalate),
    CaseTransition.Action.SUPERVISE: (forms.SuperviseForm, False, services.case_supervise),
    CaseTransition.Action.PARTICIPANT: (forms.ParticipantForm, True, services.case_add_participant),
}


def _action_form(action: str, case: Case, data: QueryDict | None = None) -> Form:
    form_class, takes_case, _run = ACTIONS[action]
    kwargs: dict[str, Any] = {"case": case} if takes_case else {}
    return form_class(data, prefix=action, **kwargs)


def _list_filters(request: AuthedRequest) -> dict[str, Any]:
    params = request.GET
    flags = {"1": True, "0": False}
    filters: dict[str, Any] = {
        "status": params.get("status") if params.get("status") in Case.Status.values else None,
        "kind": params.get("kind") if params.get("kind") in CaseKind.values else None,
        "supervision": params.get("supervision") or None,
        "overdue": flags.get(params.get("overdue", "")),
        "warning": flags.get(params.get("warning", "")),
    }
    todo = params.get("todo", "")
    if todo in TODO_KEYS:  # a count of the home page: exactly the cases waiting on her
        filters["ids_q"] = case_todo_q(user=request.user, key=todo)
    key = params.get("figure", "")
    if key in selectors.figure_filters():  # a figure's link: exactly the cases it counts
        org, today = org_param(request), timezone.localdate()
        start = date_param(params, "start") or today
        end = date_param(params, "end") or today
        filters["ids_q"] = selectors.figure_q(key=key, org=org, start=start, end=end)
    return filters


@login_required
@require_GET
def case_list(request: AuthedRequest) -> HttpResponse:
    if not request.user.has_business_scope:
        raise Http404
    filters = _list_filters(request)
    keys = selectors.case_list(user=request.user, **filters).values("pk")
    paginator = CachedCountPaginator(keys, 50, rows=selectors.case_page_values)
    page = paginator.get_page(request.GET.get("page"))
    context: dict[str, Any] = {"page": page, "rows": selectors.case_rows(page)}
    context |= {"filters": filters, "params": request.GET, "now": timezone.now()}
    context |= {"statuses": Case.Status.choices, "kinds": CaseKind.choices}
    template = "cases/case_rows.html" if request.headers.get("HX-Request") else "cases/list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def case_report(request: AuthedRequest) -> HttpResponse:
    if not request.user.can_write:
        raise PermissionDenied
    form = forms.CaseReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = call_service(
            form, lambda: services.case_report(actor=request.user, source="staff", **data)
        )
        if case is not None:
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/form.html", {"form": form})


@login_required
@require_GET
def case_detail(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    may_act = _may_act(request, case)
    actions = services.allowed_actions(case) if may_act else []
    context = {
        "case": case,
        "clock": selectors.case_clock(case),
        "timeline": selectors.case_timeline(case=case),
        "participants": selectors.case_participants(case=case),
        "actions": [
            (a, CaseTransition.Action(a).label, _action_form(a, case))
            for a in actions
            if a in ACTIONS
        ],
        "may_write_agreement": CaseTransition.Action.AGREEMENT in actions,
        "agreement": selectors.case_agreement(case=case),
        "household": selectors.case_household(user=request.user, case=case),
    }
    return render(request, "cases/detail.html", context)


def _may_act(request: AuthedRequest, case: Case) -> bool:
    try:
        selectors.case_get_for_user(user=request.user, case_id=case.pk, for_write=True)
    except PermissionDenied:
        return False
    return True


@login_required
@require_POST
def case_action(request: AuthedRequest, case_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, for_write=True)
    form = _action_form(action, case, request.POST)
    if form.is_valid():
        run = ACTIONS[action][2]
        done = call_service(form, lambda: run(actor=request.user, case=case, **form.cleaned_data))
        if done is not None:
            messages.success(
                request, _("已%(action)s") % {"action": CaseTransition.Action(action).label}
            )
            return redirect("cases:detail", case_id=case.pk)
    for error in form.errors.values():
        messages.error(request, "；".join(str(e) for e in error))
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_GET
def case_figures(request: AuthedRequest) -> HttpResponse:
    org = org_param(request)
    start, end = period_params(request.GET)
    figures = selectors.case_figures(user=request.user, org=org, start=start, end=end)
    context = {"org": org, "start": start, "end": end, "figures": figures}
    return render(request, "cases/figures.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_agreement(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, case_id=case_id, for_write=True)
    agreement = selectors.case_agreement(case=case)
    initial = {f: getattr(agreement, f) for f in services.AGREEMENT_FIELDS} if agreement else {}
    form = forms.AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form, lambda: services.case_save_agreement(actor=request.user, case=case, **data)
        )
        if saved is not None:
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/agreement_form.html", {"case": case, "form": form})


EXPORTS = {
    "pdf": (documents.agreement_pdf, "application/pdf"),
    "docx": (
        documents.agreement_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}


@login_required
@require_GET
def case_agreement_export(request: AuthedRequest, case_id: int, fmt: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, case_id=case_id)
    agreement = selectors.case_agreement(case=case)
    if agreement is None or fmt not in EXPORTS:
        raise Http404
    build, content_type = EXPORTS[fmt]
    response = HttpResponse(build(case=case, agreement=agreement), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{case.number}.{fmt}"'
    audit_record(actor=request.user, action="cases.agreement_export", target=case, note=fmt)
    return response

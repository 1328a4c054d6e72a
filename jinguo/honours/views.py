"""Pages of families and honours. Honours come through the selectors' fetch-and-check: out of
scope is a 404, a write by a read-only role a 403."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.common.forms import call_service, choice_queryset
from jinguo.common.http import AuthedRequest
from jinguo.common.params import choice_param, date_param, int_param, org_param, period_params
from jinguo.common.xlsx import query_note, xlsx_download
from jinguo.honours import forms, selectors, services
from jinguo.honours.exports import HONOUR_COLUMNS
from jinguo.honours.models import HonourChange, HonourLevel, HonourStatus
from jinguo.orgs.selectors import org_get_for_user

Runner = Callable[..., Any]
ACTIONS: dict[str, tuple[type[Form], Runner]] = {
    HonourChange.Action.APPROVE: (forms.ApproveForm, services.honour_approve),
    HonourChange.Action.REJECT: (forms.ReasonForm, services.honour_reject),
    HonourChange.Action.REVOKE: (forms.ReasonForm, services.honour_revoke),
}


def _business(request: AuthedRequest) -> None:
    if not request.user.has_business_scope:
        raise Http404


def _filters(request: AuthedRequest) -> dict[str, Any]:
    params: QueryDict = request.GET
    kind = choice_param(params, "kind", list(selectors.KINDS)) or "family"
    org_id = int_param(params, "org")
    return {
        "kind": kind,
        "title": choice_param(params, "title", list(selectors.TITLES[kind].values)),
        "level": choice_param(params, "level", list(HonourLevel.values)),
        "year": int_param(params, "year"),
        "status": choice_param(params, "status", list(HonourStatus.values)),
        "org": org_get_for_user(user=request.user, org_id=org_id) if org_id else None,
        "start": date_param(params, "start"),
        "end": date_param(params, "end"),
    }


@login_required
@require_GET
def honour_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    filters = _filters(request)
    rows = selectors.honour_list(user=request.user, **filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    kind = filters["kind"]
    context = {
        "page": page,
        "filters": filters,
        "titles": selectors.TITLES[kind].choices,
        "levels": HonourLevel.choices,
        "statuses": HonourStatus.choices,
        "query": request.GET.urlencode(),
    }
    fragment = request.headers.get("HX-Request")
    return render(request, "honours/rows.html" if fragment else "honours/list.html", context)


@login_required
@require_GET
def honour_export(request: AuthedRequest) -> HttpResponse:
    _business(request)
    honours = selectors.honour_list(user=request.user, **_filters(request))
    return xlsx_download(
        actor=request.user,
        action="honours.export",
        filename=_("家庭与个人荣誉"),
        columns=HONOUR_COLUMNS,
        records=honours.iterator(chunk_size=500),
        note=query_note(request.GET),
    )


@login_required
@require_http_methods(["GET", "POST"])
def family_nominate(request: AuthedRequest) -> HttpResponse:
    if not request.user.can_write:
        raise PermissionDenied
    initial = {"household": int_param(request.GET, "household")}
    form = forms.FamilyNominateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        honour = call_service(
            form, lambda: services.family_honour_nominate(actor=request.user, **data)
        )
        if honour is not None:
            return redirect("honours:detail", kind="family", honour_id=honour.pk)
    return render(request, "honours/form.html", {"form": form, "kind": "family"})


@login_required
@require_http_methods(["GET", "POST"])
def individual_nominate(request: AuthedRequest) -> HttpResponse:
    if not request.user.can_write:
        raise PermissionDenied
    form = forms.IndividualNominateForm(request.POST or None, user=request.user)
    chosen = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        honour = call_service(
            form, lambda: services.individual_honour_nominate(actor=request.user, **data)
        )
        if honour is not None:
            return redirect("honours:detail", kind="individual", honour_id=honour.pk)
    if form.is_bound:
        chosen = list(
            choice_queryset(form, "person").filter(
                pk__in=[v for v in request.POST.getlist("person") if v.isdigit()]
            )
        )
    context = {"form": form, "kind": "individual", "chosen": chosen}
    return render(request, "honours/form.html", context)


@login_required
@require_GET
def honour_detail(request: AuthedRequest, kind: str, honour_id: int) -> HttpResponse:
    honour = selectors.honour_get_for_user(user=request.user, kind=kind, honour_id=honour_id)
    actions = []
    if services.may_decide(actor=request.user, honour=honour):
        actions = [
            (a, HonourChange.Action(a).label, ACTIONS[a][0](prefix=a))
            for a in services.allowed_actions(honour)
        ]
    context = {
        "honour": honour,
        "kind": kind,
        "history": selectors.honour_history(honour=honour),
        "actions": actions,
    }
    return render(request, "honours/detail.html", context)


@login_required
@require_POST
def honour_action(request: AuthedRequest, kind: str, honour_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    honour = selectors.honour_get_for_user(
        user=request.user, kind=kind, honour_id=honour_id, for_write=True
    )
    form_class, run = ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(form, lambda: run(actor=request.user, honour=honour, **data))
        if done is not None:
            messages.success(
                request, _("已%(action)s") % {"action": HonourChange.Action(action).label}
            )
            return redirect("honours:detail", kind=kind, honour_id=honour.pk)
    for errors in form.errors.values():
        messages.error(request, "；".join(str(e) for e in errors))
    return redirect("honours:detail", kind=kind, honour_id=honour.pk)


@login_required
@require_GET
def honours_figures(request: AuthedRequest) -> HttpResponse:
    _business(request)
    org = org_param(request)
    start, end = period_params(request.GET)
    figures = selectors.honours_figures(user=request.user, org=org, start=start, end=end)
    context = {"org": org, "start": start, "end": end, "figures": figures}
    return render(request, "honours/figures.html", context)

"""Pages of duty points, rankings and nominations (the love bank's are in lovebank_views.py).
Records come through the selectors' fetch-and-check: out of scope is a 404, a write by a
read-only role a 403."""

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

from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.common.params import choice_param, date_param, int_param, org_param, period_params
from jinguo.common.xlsx import xlsx_download
from jinguo.people.selectors import person_get_for_user
from jinguo.points import forms, personal, selectors, services
from jinguo.points.approval import (
    points_appeal,
    points_appeal_decide,
    points_approve,
    points_correct,
    points_reject,
)
from jinguo.points.exports import LEDGER_COLUMNS
from jinguo.points.models import Action, Kind, Nomination, PointEntry
from jinguo.points.nominations import NOMINATION_NEXT, nomination_create, nomination_transition
from jinguo.points.rankings import EARNERS, executive_ranking, unit_ranking


def _scoped(request: AuthedRequest) -> None:
    if not request.user.has_business_scope:
        raise Http404


def _flash_errors(request: AuthedRequest, form: Form) -> None:
    for errors in form.errors.values():
        messages.error(request, "；".join(str(e) for e in errors))


def _ledger_filters(request: AuthedRequest) -> selectors.LedgerFilters:
    params = request.GET
    person_id = int_param(params, "person")
    return selectors.LedgerFilters(
        org=org_param(request) if params.get("org") else None,
        start=date_param(params, "start"),
        end=date_param(params, "end"),
        kind=choice_param(params, "kind", Kind.values),
        status=choice_param(params, "status", list(selectors.STATUSES)),
        person=person_get_for_user(user=request.user, person_id=person_id) if person_id else None,
        action=choice_param(params, "action", Action.values),
    )


# --- the executive's own page ------------------------------------------------------------------


@login_required
@require_GET
def my_points(request: AuthedRequest) -> HttpResponse:
    person = request.user.person
    if person is None:
        _scoped(request)
        return redirect("points:queue")
    context = personal.my_points(person=person, today=timezone.localdate())
    context["person"] = person
    return render(request, "points/mine.html", context)


@login_required
@require_GET
def my_history(request: AuthedRequest) -> HttpResponse:
    person = request.user.person
    if person is None:
        _scoped(request)
        return redirect("points:queue")
    page = personal.my_history_page(person=person, page=request.GET.get("page"))
    return render(request, "points/history.html", {"person": person, "page": page})


# --- approval ------------------------------------------------------------------------------------


@login_required
@require_GET
def queue(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    org = org_param(request)
    entries = selectors.approval_queue(user=request.user, org=org)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    context = {
        "org": org,
        "page": page,
        "appeals": selectors.appeals_open(user=request.user),
        "reject_form": forms.ReasonForm(),
        "today": timezone.localdate(),
    }
    return render(request, "points/queue.html", context)


@login_required
@require_POST
def collect(request: AuthedRequest) -> HttpResponse:
    org = org_param(request, for_write=True)
    today = timezone.localdate()
    start = date_param(request.POST, "start") or today.replace(month=1, day=1)
    end = date_param(request.POST, "end") or today
    try:
        done = services.points_collect(org=org, start=start, end=end, actor=request.user)
    except ValidationError as refused:  # a period longer than the limit (jinguo.common.dates)
        messages.error(request, " ".join(refused.messages))
        return redirect(reverse("points:queue") + f"?org={org.pk}")
    messages.success(
        request,
        _("已收集%(created)s条积分（其中%(capped)s条超出上限）")
        % {"created": done.created, "capped": done.capped},
    )
    return redirect(reverse("points:queue") + f"?org={org.pk}")


@login_required
@require_POST
def approve(request: AuthedRequest) -> HttpResponse:
    if not request.user.can_write:
        raise PermissionDenied
    ids = [int(v) for v in request.POST.getlist("entries") if v.isdigit()]
    entries = [
        selectors.entry_get_for_user(user=request.user, entry_id=pk, for_write=True) for pk in ids
    ]
    if not entries:
        messages.error(request, _("请勾选要审核通过的条目"))
    else:
        try:
            points_approve(actor=request.user, entries=entries)
            messages.success(request, _("已审核通过%(n)s条") % {"n": len(entries)})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("points:queue")


def _entry_action(
    request: AuthedRequest, entry_id: int, form_class: type[Form], run: Any
) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, entry_id=entry_id, for_write=True)
    form = form_class(request.POST)
    if form.is_valid() and call_service(form, lambda: run(entry, form.cleaned_data)) is not None:
        messages.success(request, _("已保存"))
    else:
        _flash_errors(request, form)
    return redirect(request.POST.get("next") or reverse("points:entry", args=[entry.pk]))


@login_required
@require_POST
def reject(request: AuthedRequest, entry_id: int) -> HttpResponse:
    return _entry_action(
        request,
        entry_id,
        forms.ReasonForm,
        lambda e, d: points_reject(actor=request.user, entry=e, reason=d["reason"]),
    )


@login_required
@require_POST
def appeal(request: AuthedRequest, entry_id: int) -> HttpResponse:
    return _entry_action(
        request,
        entry_id,
        forms.ReasonForm,
        lambda e, d: points_appeal(actor=request.user, entry=e, reason=d["reason"]),
    )


@login_required
@require_POST
def ruling(request: AuthedRequest, entry_id: int) -> HttpResponse:
    return _entry_action(
        request,
        entry_id,
        forms.RulingForm,
        lambda e, d: points_appeal_decide(actor=request.user, appeal=e, **d),
    )


@login_required
@require_GET
def entry_detail(request: AuthedRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, entry_id=entry_id)
    followers = PointEntry.objects.filter(ref=entry).select_related("actor").order_by("id")
    context = {
        "entry": entry,
        "followers": followers,
        "reason_form": forms.ReasonForm(),
        "ruling_form": forms.RulingForm(),
        "is_mine": request.user.person_id == entry.person_id,
    }
    return render(request, "points/entry.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def correct(request: AuthedRequest) -> HttpResponse:
    if not request.user.can_write:
        raise PermissionDenied
    form = forms.CorrectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = call_service(form, lambda: points_correct(actor=request.user, **data))
        if entry is not None:
            return redirect("points:entry", entry_id=entry.pk)
    return render(
        request, "points/form.html", {"form": form, "title": _("积分更正"), "picker": True}
    )


# --- ledger --------------------------------------------------------------------------------------


@login_required
@require_GET
def ledger(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    filters = _ledger_filters(request)
    entries = selectors.entry_list(user=request.user, filters=filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "kinds": Kind.choices,
        "query": request.GET.urlencode(),
    }
    return render(request, "points/ledger.html", context)


@login_required
@require_GET
def ledger_export(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    entries = selectors.entry_list(user=request.user, filters=_ledger_filters(request))
    return xlsx_download(
        actor=request.user,
        action="points.export",
        filename=_("积分明细"),
        columns=LEDGER_COLUMNS,
        records=entries.iterator(chunk_size=2000),
        note=request.GET.urlencode(),
    )


# --- rules ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    org = org_param(request, for_write=request.method == "POST")
    form = forms.RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form, lambda: services.point_rule_save(actor=request.user, org=org, **data)
        )
        if saved is not None:
            messages.success(request, _("积分规则已保存"))
            return redirect(reverse("points:rules") + f"?org={org.pk}")
    context = {
        "org": org,
        "rules": selectors.rules_visible(user=request.user, org=org),
        "form": form,
    }
    return render(request, "points/rules.html", context)


# --- rankings, nominations, figures --------------------------------------------------------------


@login_required
@require_GET
def rankings(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    org = org_param(request)
    start, end = period_params(request.GET)
    who = choice_param(request.GET, "who", list(EARNERS)) or "executives"
    people = executive_ranking(org=org, start=start, end=end, who=who, user=request.user)
    context = {
        "org": org,
        "start": start,
        "end": end,
        "who": who,
        "page": Paginator(people, 50).get_page(request.GET.get("page")),
        "units": unit_ranking(user=request.user, org=org, start=start, end=end),
    }
    return render(request, "points/rankings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def nominations(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    org = org_param(request, for_write=request.method == "POST")
    start, end = date_param(request.GET, "start"), date_param(request.GET, "end")
    form = forms.NominationForm(
        request.POST or None, user=request.user, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = call_service(form, lambda: nomination_create(actor=request.user, org=org, **data))
        if saved is not None:
            return redirect(reverse("points:nominations") + f"?org={org.pk}")
    rows = selectors.nomination_list(
        user=request.user,
        org=org,
        year_from=start.year if start else None,
        year_to=end.year if end else None,
        status=choice_param(request.GET, "status", Nomination.Status.values),
    )
    context = {
        "org": org,
        "rows": rows,
        "form": form,
        "status_form": forms.NominationStatusForm(),
        "next": NOMINATION_NEXT,
    }
    return render(request, "points/nominations.html", context)


@login_required
@require_POST
def nomination_status(request: AuthedRequest, nomination_id: int) -> HttpResponse:
    nomination = selectors.nomination_get_for_user(
        user=request.user, nomination_id=nomination_id, for_write=True
    )
    form = forms.NominationStatusForm(request.POST)
    done = None
    if form.is_valid():
        done = call_service(
            form,
            lambda: nomination_transition(
                actor=request.user, nomination=nomination, **form.cleaned_data
            ),
        )
    if done is None:
        _flash_errors(request, form)
    return redirect(reverse("points:nominations") + f"?org={nomination.org_id}")


@login_required
@require_GET
def figures(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    org = org_param(request)
    start, end = period_params(request.GET)
    rows = selectors.points_figures(user=request.user, org=org, start=start, end=end)
    context = {"org": org, "start": start, "end": end, "figures": rows}
    return render(request, "points/figures.html", context)

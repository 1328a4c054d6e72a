"""Pages of volunteer teams: teams, memberships, service hours and volunteers. Records come
through the selectors' fetch-and-check functions: out of scope is a 404, a write by a read-only
role a 403."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.activities import selectors, volunteers
from jinguo.activities.exports import HOURS_COLUMNS
from jinguo.activities.forms import HoursForm, MembershipForm, TeamForm
from jinguo.activities.views import PAGE_SIZE, _business, _org_filter, _writer
from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.common.params import date_param, int_param, org_param
from jinguo.common.xlsx import xlsx_download

# --- volunteer teams ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def team_list(request: AuthedRequest) -> HttpResponse:
    """Active teams in scope (?org= a subtree; ?inactive=1 the disbanded ones) and the form
    creating one at the user's unit (?org= for another unit)."""
    _business(request)
    org = _org_filter(request)
    form = TeamForm(request.POST or None)
    if request.method == "POST":
        _writer(request)
        owner = org_param(request, for_write=True)
        if form.is_valid():
            data = form.cleaned_data
            team = call_service(
                form, lambda: volunteers.team_create(actor=request.user, org=owner, **data)
            )
            if team is not None:
                messages.success(request, _("志愿者服务队已成立。"))
                return redirect("activities:team", team_id=team.pk)
    active = request.GET.get("inactive") != "1"
    teams = selectors.team_list(user=request.user, org=org, active=active)
    page = Paginator(teams, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "org": org, "form": form, "active": active}
    return render(request, "activities/team_list.html", context)


def _team_page(request: AuthedRequest, team_id: int, **forms: Any) -> HttpResponse:
    team = selectors.team_get_for_user(user=request.user, team_id=team_id)
    hours = selectors.hours_list(user=request.user, team=team)[:20]
    context: dict[str, Any] = {
        "team": team,
        "members": selectors.team_members(team=team),
        "hours": hours,
        "member_form": MembershipForm(user=request.user),
    }
    return render(request, "activities/team_detail.html", context | forms)


@login_required
@require_GET
def team_detail(request: AuthedRequest, team_id: int) -> HttpResponse:
    _business(request)
    return _team_page(request, team_id)


@login_required
@require_POST
def membership_add(request: AuthedRequest, team_id: int) -> HttpResponse:
    _business(request)
    team = selectors.team_get_for_user(user=request.user, team_id=team_id, for_write=True)
    form = MembershipForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form, lambda: volunteers.membership_add(actor=request.user, team=team, **data)
        )
        if done is not None:
            messages.success(request, _("已加入：%(name)s") % {"name": done.person.name})
            return redirect("activities:team", team_id=team.pk)
    return _team_page(request, team_id, member_form=form)


@login_required
@require_POST
def membership_end(request: AuthedRequest, membership_id: int) -> HttpResponse:
    _business(request)
    membership = selectors.membership_get_for_user(
        user=request.user, membership_id=membership_id, for_write=True
    )
    try:
        volunteers.membership_end(actor=request.user, membership=membership)
        messages.success(request, _("已退出服务队。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("activities:team", team_id=membership.team_id)


@login_required
@require_http_methods(["GET", "POST"])
def hours_record(request: AuthedRequest, membership_id: int) -> HttpResponse:
    _business(request)
    membership = selectors.membership_get_for_user(
        user=request.user, membership_id=membership_id, for_write=True
    )
    initial = {"served_on": timezone.localdate()}
    form = HoursForm(
        request.POST or None, initial=initial, user=request.user, org=membership.team.org
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            lambda: volunteers.hours_record(actor=request.user, membership=membership, **data),
        )
        if done is not None:
            messages.success(request, _("已记录志愿服务时长。"))
            return redirect(_back_to(request, membership.team_id))
    return render(request, "activities/hours_form.html", {"form": form, "membership": membership})


def _back_to(request: AuthedRequest, team_id: int) -> str:
    if selectors.team_list(user=request.user).filter(pk=team_id).exists():
        return reverse("activities:team", kwargs={"team_id": team_id})
    return reverse("activities:hours")


def _hours_filters(request: AuthedRequest) -> dict[str, Any]:
    team_id = int_param(request.GET, "team")
    team = selectors.team_get_for_user(user=request.user, team_id=team_id) if team_id else None
    return {
        "org": _org_filter(request),
        "start": date_param(request.GET, "start"),
        "end": date_param(request.GET, "end"),
        "team": team,
    }


@login_required
@require_GET
def hours_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    filters = _hours_filters(request)
    rows = selectors.hours_list(user=request.user, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "query": request.GET.urlencode()}
    return render(request, "activities/hours_list.html", context)


@login_required
@require_GET
def hours_export(request: AuthedRequest) -> HttpResponse:
    _business(request)
    rows = selectors.hours_list(user=request.user, **_hours_filters(request))
    return xlsx_download(
        actor=request.user,
        action="activities.hours_export",
        filename=_("志愿服务时长"),
        columns=HOURS_COLUMNS,
        records=rows.iterator(chunk_size=500),
        note=request.GET.urlencode(),
    )


@login_required
@require_GET
def volunteer_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    org = _org_filter(request)
    people = selectors.volunteer_list(user=request.user, org=org)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activities/volunteer_list.html", {"page": page, "org": org})

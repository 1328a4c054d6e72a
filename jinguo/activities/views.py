"""Pages of activities and series (volunteer teams: activities.volunteer_views). Records come
through the selectors' fetch-and-check functions: out of scope is a 404, a write by a read-only
role a 403."""

from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.activities import selectors, services
from jinguo.activities.exports import ACTIVITY_COLUMNS
from jinguo.activities.forms import (
    ActivityForm,
    CancelForm,
    HoldForm,
    RegisterForm,
    SeriesForm,
)
from jinguo.activities.models import Activity, ActivityKind
from jinguo.activities.selectors import ActivityFilters
from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.common.params import choice_param, date_param, int_param, org_param, period_params
from jinguo.common.xlsx import xlsx_download
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, org_get_for_user

PAGE_SIZE = 50


def _business(request: AuthedRequest) -> None:
    if not request.user.has_business_scope:
        raise Http404


def _writer(request: AuthedRequest) -> None:
    _business(request)
    if not request.user.can_write:
        raise PermissionDenied


def _org_filter(request: AuthedRequest) -> OrgUnit | None:
    org_id = int_param(request.GET, "org")
    return org_get_for_user(user=request.user, org_id=org_id) if org_id else None


def _filters(request: AuthedRequest) -> ActivityFilters:
    params = request.GET
    return ActivityFilters(
        kind=choice_param(params, "kind", list(ActivityKind.values)),
        status=choice_param(params, "status", list(Activity.Status.values)),
        start=date_param(params, "start"),
        end=date_param(params, "end"),
        org=_org_filter(request),
        series=int_param(params, "series"),
        query=params.get("q", "").strip()[:50],
    )


def _hx(request: AuthedRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


# --- activities ---------------------------------------------------------------------------------


@login_required
@require_GET
def activity_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    filters = _filters(request)
    activities = selectors.activity_list(user=request.user, filters=filters)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "query": request.GET.urlencode()}
    context |= {"kinds": ActivityKind.choices, "statuses": Activity.Status.choices}
    template = "activities/activity_rows.html" if _hx(request) else "activities/list.html"
    return render(request, template, context)


@login_required
@require_GET
def activity_export(request: AuthedRequest) -> HttpResponse:
    _business(request)
    activities = selectors.activity_list(user=request.user, filters=_filters(request))
    return xlsx_download(
        actor=request.user,
        action="activities.export",
        filename=_("活动"),
        columns=ACTIVITY_COLUMNS,
        records=activities.iterator(chunk_size=500),
        note=request.GET.urlencode(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: AuthedRequest) -> HttpResponse:
    _writer(request)
    org = org_param(request, for_write=True)
    form = ActivityForm(request.POST or None, user=request.user, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        activity = call_service(
            form, lambda: services.activity_create(actor=request.user, org=org, **data)
        )
        if activity is not None:
            messages.success(request, _("活动已登记。"))
            return redirect("activities:detail", activity_id=activity.pk)
    return render(request, "activities/form.html", {"form": form, "org": org})


def _detail(request: AuthedRequest, activity: Activity, **forms: Any) -> HttpResponse:
    may_write = (
        may_write_at(user=request.user, org=activity.org)
        and activity.status == Activity.Status.PLANNED
    )
    context: dict[str, Any] = {
        "activity": activity,
        "participants": selectors.activity_participants(activity=activity),
        "organisers": selectors.activity_organisers(activity=activity),
        "changes": selectors.activity_changes(activity=activity),
        "may_write": may_write,
        "today": timezone.localdate(),
        "register_form": RegisterForm(user=request.user),
        "hold_form": HoldForm(),
        "cancel_form": CancelForm(),
    }
    context |= forms
    return render(request, "activities/detail.html", context, status=200)


@login_required
@require_GET
def activity_detail(request: AuthedRequest, activity_id: int) -> HttpResponse:
    _business(request)
    activity = selectors.activity_get_for_user(user=request.user, activity_id=activity_id)
    return _detail(request, activity)


@login_required
@require_GET
def activity_photo(request: AuthedRequest, activity_id: int) -> FileResponse:
    """The photo in clear: the stored file is encrypted, so MEDIA_URL could never serve it."""
    _business(request)
    activity = selectors.activity_get_for_user(user=request.user, activity_id=activity_id)
    if not activity.photo:
        raise Http404
    return FileResponse(activity.photo.open("rb"), filename=PurePath(activity.photo.name).name)


@login_required
@require_POST
def participant_register(request: AuthedRequest, activity_id: int) -> HttpResponse:
    _business(request)
    activity = selectors.activity_get_for_user(
        user=request.user, activity_id=activity_id, for_write=True
    )
    form = RegisterForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form, lambda: services.activity_register(actor=request.user, activity=activity, **data)
        )
        if done is not None:
            messages.success(request, _("已报名：%(name)s") % {"name": done.name})
            return redirect("activities:detail", activity_id=activity.pk)
    return _detail(request, activity, register_form=form)


@login_required
@require_POST
def participant_attend(
    request: AuthedRequest, activity_id: int, participant_id: int
) -> HttpResponse:
    """The htmx tick: answers the participant's row; without htmx, back to the page."""
    _business(request)
    activity = selectors.activity_get_for_user(
        user=request.user, activity_id=activity_id, for_write=True
    )
    participant = selectors.participant_get_for_user(
        user=request.user, activity=activity, participant_id=participant_id
    )
    attended = request.POST.get("attended") in ("1", "on", "true")
    error = ""
    try:
        participant = services.activity_mark_attended(
            actor=request.user, participant=participant, attended=attended
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not _hx(request):
        if error:
            messages.error(request, error)
        return redirect("activities:detail", activity_id=activity.pk)
    context = {"p": participant, "activity": activity, "may_write": True, "error": error}
    return render(request, "activities/_participant.html", context)


@login_required
@require_POST
def activity_hold(request: AuthedRequest, activity_id: int) -> HttpResponse:
    _business(request)
    activity = selectors.activity_get_for_user(
        user=request.user, activity_id=activity_id, for_write=True
    )
    form = HoldForm(request.POST, request.FILES or None)
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form, lambda: services.activity_hold(actor=request.user, activity=activity, **data)
        )
        if done is not None:
            messages.success(request, _("已记录活动举办情况。"))
            return redirect("activities:detail", activity_id=activity.pk)
    return _detail(request, activity, hold_form=form)


@login_required
@require_POST
def activity_cancel(request: AuthedRequest, activity_id: int) -> HttpResponse:
    _business(request)
    activity = selectors.activity_get_for_user(
        user=request.user, activity_id=activity_id, for_write=True
    )
    form = CancelForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form, lambda: services.activity_cancel(actor=request.user, activity=activity, **data)
        )
        if done is not None:
            messages.success(request, _("活动已取消。"))
            return redirect("activities:detail", activity_id=activity.pk)
    return _detail(request, activity, cancel_form=form)


# --- series -------------------------------------------------------------------------------------


@login_required
@require_GET
def series_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    org = _org_filter(request)
    rows = selectors.series_list(user=request.user, org=org)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activities/series_list.html", {"page": page, "org": org})


@login_required
@require_http_methods(["GET", "POST"])
def series_create(request: AuthedRequest) -> HttpResponse:
    _writer(request)
    org = org_param(request, for_write=True)
    form = SeriesForm(request.POST or None, user=request.user, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        series = call_service(
            form, lambda: services.series_create(actor=request.user, org=org, **data)
        )
        if series is not None:
            messages.success(request, _("周期性活动已登记，请点“生成活动”。"))
            return redirect("activities:series")
    return render(request, "activities/series_form.html", {"form": form, "org": org})


@login_required
@require_POST
def series_schedule(request: AuthedRequest, series_id: int) -> HttpResponse:
    _business(request)
    series = selectors.series_get_for_user(user=request.user, series_id=series_id, for_write=True)
    until = services.schedule_until()
    try:
        created = services.series_schedule(actor=request.user, series=series, until=until)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("activities:series")
    messages.success(
        request,
        _("已生成%(n)s场计划中的活动（至%(until)s）。")
        % {"n": len(created), "until": until.isoformat()},
    )
    return redirect("activities:series")


@login_required
@require_GET
def figures(request: AuthedRequest) -> HttpResponse:
    _business(request)
    org = org_param(request)
    start, end = period_params(request.GET)
    rows = selectors.activities_figures(user=request.user, org=org, start=start, end=end)
    children = selectors.activities_by_child(user=request.user, org=org, start=start, end=end)
    context = {"org": org, "start": start, "end": end, "figures": rows, "children": children}
    return render(request, "activities/figures.html", context)

"""Pages of deliberation meetings. Records come through the *_get_for_user selectors: out of
scope is a 404, a write by a read-only role a 403. The public notice page needs no login."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.common.params import choice_param, date_param, org_param, period_params
from jinguo.common.xlsx import xlsx_download
from jinguo.meetings import forms, resolutions, selectors, services
from jinguo.meetings.exports import MEETING_COLUMNS, RESOLUTION_COLUMNS
from jinguo.meetings.models import Meeting, MeetingKind, Resolution, ResolutionChange, Topic
from jinguo.orgs.selectors import may_write_at
from jinguo.people.models import Person

Runner = Callable[..., Any]

# resolution action → (form class, the service call with the cleaned data)
ACTIONS: dict[str, tuple[type[Form], Runner]] = {
    ResolutionChange.Action.ADOPT: (forms.NoteForm, resolutions.resolution_adopt),
    ResolutionChange.Action.REJECT: (forms.ReasonForm, resolutions.resolution_reject),
    ResolutionChange.Action.FORWARD: (forms.ForwardForm, resolutions.resolution_forward),
    ResolutionChange.Action.START: (forms.NoteForm, resolutions.resolution_start),
    ResolutionChange.Action.COMPLETE: (forms.CompleteForm, resolutions.resolution_complete),
    ResolutionChange.Action.DECLINE: (forms.ReasonForm, resolutions.resolution_decline),
}


def _require_writer(request: AuthedRequest) -> None:
    if not request.user.has_business_scope:
        raise Http404
    if not request.user.can_write:
        raise PermissionDenied


def _filters(request: AuthedRequest) -> dict[str, Any]:
    params = request.GET
    return {
        "org": org_param(request),
        "kind": choice_param(params, "kind", MeetingKind.values),
        "status": choice_param(params, "status", Meeting.Status.values),
        "start": date_param(params, "start"),
        "end": date_param(params, "end"),
    }


def _note(filters: dict[str, Any]) -> str:
    return "; ".join(f"{k}={getattr(v, 'pk', v)}" for k, v in filters.items() if v)


# --- lists --------------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request)
    meetings = selectors.meeting_list(user=request.user, **filters)
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "kinds": MeetingKind.choices,
        "statuses": Meeting.Status.choices,
        "query": request.GET.urlencode(),
    }
    hx = request.headers.get("HX-Request")
    return render(request, "meetings/meeting_rows.html" if hx else "meetings/list.html", context)


@login_required
@require_GET
def meeting_export(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request)
    meetings = selectors.meeting_list(user=request.user, **filters)
    return xlsx_download(
        actor=request.user,
        action="meetings.export",
        filename=_("议事会议"),
        columns=MEETING_COLUMNS,
        records=meetings.iterator(chunk_size=500),
        note=_note(filters),
    )


def _resolution_filters(request: AuthedRequest) -> dict[str, Any]:
    filters = _filters(request)
    filters["status"] = choice_param(request.GET, "status", Resolution.Status.values)
    filters["stage"] = choice_param(request.GET, "stage", list(selectors.STAGES))
    return filters


@login_required
@require_GET
def resolution_list(request: AuthedRequest) -> HttpResponse:
    filters = _resolution_filters(request)
    rows = selectors.resolution_list(user=request.user, **filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "kinds": MeetingKind.choices,
        "statuses": Resolution.Status.choices,
        "query": request.GET.urlencode(),
    }
    hx = request.headers.get("HX-Request")
    template = "meetings/resolution_rows.html" if hx else "meetings/resolutions.html"
    return render(request, template, context)


@login_required
@require_GET
def resolution_export(request: AuthedRequest) -> HttpResponse:
    filters = _resolution_filters(request)
    resolutions = selectors.resolution_list(user=request.user, **filters)
    return xlsx_download(
        actor=request.user,
        action="meetings.resolution_export",
        filename=_("议事决议"),
        columns=RESOLUTION_COLUMNS,
        records=resolutions.iterator(chunk_size=500),
        note=_note(filters),
    )


@login_required
@require_GET
def topic_list(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request)
    topics = selectors.topic_list(user=request.user, **filters)
    page = Paginator(topics, 50).get_page(request.GET.get("page"))
    return render(request, "meetings/topics.html", {"page": page, "filters": filters})


@login_required
@require_GET
def meeting_figures(request: AuthedRequest) -> HttpResponse:
    org = org_param(request)
    start, end = period_params(request.GET)
    context = {
        "org": org,
        "start": start,
        "end": end,
        "figures": selectors.meeting_figures(user=request.user, org=org, start=start, end=end),
        "children": selectors.meeting_breakdown(user=request.user, org=org, start=start, end=end),
    }
    return render(request, "meetings/figures.html", context)


# --- one meeting --------------------------------------------------------------------------------


def _chosen(form: Form, name: str) -> list[Person]:
    """The invitees the attendance list shows ticked: what was posted (if valid)."""
    value = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
    return list(value or [])


def _meeting_data(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    data["executives"] = list(data.get("executives") or [])
    data["residents"] = list(data.get("residents") or [])
    return data


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthedRequest) -> HttpResponse:
    _require_writer(request)
    form = forms.MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = _meeting_data(form.cleaned_data)
        meeting = call_service(form, lambda: services.meeting_create(actor=request.user, **data))
        if meeting is not None:
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(
        user=request.user, meeting_id=meeting_id, for_write=True
    )
    attendees = list(selectors.meeting_attendees(meeting=meeting))
    initial = {
        "executives": [a.person_id for a in attendees if a.role == a.Role.EXECUTIVE],
        "residents": [a.person_id for a in attendees if a.role != a.Role.EXECUTIVE],
        "kind": meeting.kind,
        "title": meeting.title,
        "planned_at": timezone.localtime(meeting.planned_at).strftime("%Y-%m-%dT%H:%M"),
        "place": meeting.place_id,
        "is_public": "1" if meeting.is_public else "0",
    }
    form = forms.MeetingForm(
        request.POST or None, user=request.user, meeting=meeting, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = _meeting_data(form.cleaned_data)
        saved = call_service(
            form, lambda: services.meeting_update(actor=request.user, meeting=meeting, **data)
        )
        if saved is not None:
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "meeting": meeting})


def _may_write(request: AuthedRequest, meeting: Meeting) -> bool:
    return may_write_at(user=request.user, org=meeting.org)


def _detail(
    request: AuthedRequest, meeting: Meeting, bound: dict[str, Form] | None = None
) -> HttpResponse:
    """The detail page; `bound` holds a posted form (with its errors) to show in its place."""
    bound = bound or {}
    may_write = _may_write(request, meeting)
    topics = list(selectors.meeting_topics(meeting=meeting))
    agenda = []
    for topic in topics:
        rows = []
        for r in topic.resolutions.all():
            actions = resolutions.allowed_actions(r, meeting) if may_write else []
            action_forms = [
                (
                    a,
                    ResolutionChange.Action(a).label,
                    bound.get(f"r{r.pk}-{a}") or ACTIONS[a][0](prefix=f"r{r.pk}-{a}"),
                )
                for a in actions
            ]
            rows.append((r, action_forms))
        res_form = bound.get(f"t{topic.pk}") or forms.ResolutionForm(prefix=f"t{topic.pk}")
        agenda.append((topic, rows, res_form))
    context = {
        "meeting": meeting,
        "may_write": may_write,
        "agenda": agenda,
        "attendees": selectors.meeting_attendees(meeting=meeting),
        "history": selectors.meeting_history(meeting=meeting),
        "topic_form": bound.get("topic") or forms.TopicForm(meeting=meeting, prefix="topic"),
        "cancel_form": bound.get("cancel") or forms.CancelForm(prefix="cancel"),
        "bound": bound,
    }
    status = 400 if bound else 200
    return render(request, "meetings/detail.html", context, status=status)


@login_required
@require_GET
def meeting_detail(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    return _detail(request, meeting)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_held(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(
        user=request.user, meeting_id=meeting_id, for_write=True
    )
    initial = {"held_on": timezone.localdate()}
    form = forms.HeldForm(request.POST or None, user=request.user, meeting=meeting, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        saved = call_service(
            form, lambda: services.meeting_record_held(actor=request.user, meeting=meeting, **data)
        )
        if saved is not None:
            messages.success(request, _("已记录会议召开"))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    ticked = {p.pk for p in _chosen(form, "attended")} if form.is_bound else None
    invitees = [
        (a, ticked is None or a.person_id in ticked)
        for a in selectors.meeting_attendees(meeting=meeting)
    ]
    context = {
        "form": form,
        "meeting": meeting,
        "invitees": invitees,
    }
    return render(request, "meetings/held.html", context)


@login_required
@require_POST
def meeting_cancel(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(
        user=request.user, meeting_id=meeting_id, for_write=True
    )
    form = forms.CancelForm(request.POST, prefix="cancel")
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        done = call_service(
            form,
            lambda: services.meeting_cancel(actor=request.user, meeting=meeting, reason=reason),
        )
        if done is not None:
            messages.success(request, _("会议已取消"))
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return _detail(request, meeting, {"cancel": form})


@login_required
@require_POST
def topic_add(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(
        user=request.user, meeting_id=meeting_id, for_write=True
    )
    form = forms.TopicForm(request.POST, meeting=meeting, prefix="topic")
    if form.is_valid():
        data = form.cleaned_data
        topic = call_service(
            form, lambda: services.topic_add(actor=request.user, meeting=meeting, **data)
        )
        if topic is not None:
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return _detail(request, meeting, {"topic": form})


@login_required
@require_POST
def resolution_add(request: AuthedRequest, topic_id: int) -> HttpResponse:
    topic: Topic = selectors.topic_get_for_user(
        user=request.user, topic_id=topic_id, for_write=True
    )
    form = forms.ResolutionForm(request.POST, prefix=f"t{topic.pk}")
    if form.is_valid():
        content = form.cleaned_data["content"]
        done = call_service(
            form,
            lambda: resolutions.resolution_propose(
                actor=request.user, topic=topic, content=content
            ),
        )
        if done is not None:
            return redirect("meetings:detail", meeting_id=topic.meeting_id)
    return _detail(request, topic.meeting, {f"t{topic.pk}": form})


@login_required
@require_POST
def resolution_action(request: AuthedRequest, resolution_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    resolution = selectors.resolution_get_for_user(
        user=request.user, resolution_id=resolution_id, for_write=True
    )
    form_class, run = ACTIONS[action]
    prefix = f"r{resolution.pk}-{action}"
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(form, lambda: run(actor=request.user, resolution=resolution, **data))
        if done is not None:
            messages.success(
                request, _("决议已%(action)s") % {"action": ResolutionChange.Action(action).label}
            )
            return redirect("meetings:detail", meeting_id=resolution.meeting_id)
    for error in form.non_field_errors():
        messages.error(request, str(error))  # e.g. a refused transition: no form of it is shown
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=resolution.meeting_id)
    return _detail(request, meeting, {prefix: form})


# --- the public notice (no login) ---------------------------------------------------------------


@require_GET
def notice(request: HttpRequest, code: str) -> HttpResponse:
    org = selectors.notice_org(code=code)
    today = timezone.localdate()
    context = {"org": org, "meetings": selectors.notice_meetings(org=org, today=today)}
    return render(request, "meetings/notice.html", context)

"""Pages of trainings: courses, sessions, the attendance tick sheet, coverage and figures.
Records come through the selectors' fetch-and-check functions: out of scope is a 404, a write
by a read-only role a 403."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.common.params import choice_param, date_param, int_param, org_param, period_params
from jinguo.common.xlsx import xlsx_download
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, org_get_for_user
from jinguo.people.selectors import person_get_for_user
from jinguo.trainings import forms, selectors, services
from jinguo.trainings.exports import ATTENDANCE_COLUMNS, SESSION_COLUMNS
from jinguo.trainings.models import Session, Topic

PAGE_SIZE = 50


def _business(request: AuthedRequest) -> None:
    if not request.user.has_business_scope:
        raise Http404


def _optional_org(request: AuthedRequest) -> OrgUnit | None:
    org_id = int_param(request.GET, "org")
    return org_get_for_user(user=request.user, org_id=org_id) if org_id else None


def _period(request: AuthedRequest) -> tuple[dt.date | None, dt.date | None]:
    return date_param(request.GET, "start"), date_param(request.GET, "end")


def _pager_query(request: AuthedRequest) -> str:
    """The list's query string without `page`, ready for "…&page=N"."""
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


def _note(**filters: Any) -> str:
    return "; ".join(f"{k}={v}" for k, v in filters.items() if v not in (None, ""))


# --- courses ------------------------------------------------------------------------------------


@login_required
@require_GET
def course_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    org = _optional_org(request)
    topic = choice_param(request.GET, "topic", Topic.values)
    query = request.GET.get("q", "").strip()[:50]
    courses = selectors.course_list(user=request.user, org=org, topic=topic, query=query)
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "org": org, "topic": topic, "query": query, "topics": Topic.choices}
    context["pager_query"] = _pager_query(request)
    fragment = request.headers.get("HX-Request")
    return render(
        request, "trainings/course_rows.html" if fragment else "trainings/course_list.html", context
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: AuthedRequest) -> HttpResponse:
    _business(request)
    if not request.user.can_write:
        raise PermissionDenied
    form = forms.CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        course = call_service(form, lambda: services.course_create(actor=request.user, **data))
        if course is not None:
            messages.success(request, _("课程已创建。"))
            return redirect("trainings:course", course_id=course.pk)
    return render(request, "trainings/course_form.html", {"form": form})


def _course_page(request: AuthedRequest, course_id: int, enrol_form: Any = None) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, course_id=course_id)
    context = {
        "course": course,
        "sessions": selectors.course_sessions(course=course),
        "enrolments": selectors.course_enrolments(course=course),
        "history": selectors.course_history(course=course)[:20],
        "enrol_form": enrol_form or forms.EnrolForm(user=request.user),
    }
    return render(request, "trainings/course_detail.html", context)


@login_required
@require_GET
def course_detail(request: AuthedRequest, course_id: int) -> HttpResponse:
    return _course_page(request, course_id)


@login_required
@require_POST
def course_enrol(request: AuthedRequest, course_id: int) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, course_id=course_id, for_write=True)
    form = forms.EnrolForm(request.POST, user=request.user)
    if form.is_valid():
        people = form.cleaned_data["people"]
        done = call_service(
            form, lambda: services.course_enrol(actor=request.user, course=course, people=people)
        )
        if done is not None:
            messages.success(request, _("已报名%(n)s人。") % {"n": len(done)})
            return redirect("trainings:course", course_id=course.pk)
    return _course_page(request, course_id, enrol_form=form)


# --- sessions -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: AuthedRequest, course_id: int) -> HttpResponse:
    course = selectors.course_get_for_user(user=request.user, course_id=course_id, for_write=True)
    form = forms.SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = call_service(
            form, lambda: services.session_create(actor=request.user, course=course, **data)
        )
        if session is not None:
            messages.success(request, _("场次已添加。"))
            return redirect("trainings:course", course_id=course.pk)
    return render(request, "trainings/session_form.html", {"form": form, "course": course})


def _session_filters(request: AuthedRequest) -> dict[str, Any]:
    start, end = _period(request)
    course_id = int_param(request.GET, "course")
    course = (
        selectors.course_get_for_user(user=request.user, course_id=course_id) if course_id else None
    )
    return {
        "org": _optional_org(request),
        "start": start,
        "end": end,
        "status": choice_param(request.GET, "status", Session.Status.values),
        "course": course,
    }


@login_required
@require_GET
def session_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    filters = _session_filters(request)
    sessions = selectors.session_list(user=request.user, **filters)
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "statuses": Session.Status.choices}
    context |= {"query": request.GET.urlencode(), "pager_query": _pager_query(request)}
    return render(request, "trainings/session_list.html", context)


@login_required
@require_GET
def session_export(request: AuthedRequest) -> HttpResponse:
    _business(request)
    filters = _session_filters(request)
    sessions = selectors.session_list(user=request.user, **filters)
    return xlsx_download(
        actor=request.user,
        action="trainings.export",
        filename=_("培训场次"),
        columns=SESSION_COLUMNS,
        records=sessions.iterator(chunk_size=500),
        note=_note(list="sessions", **{k: getattr(v, "pk", v) for k, v in filters.items()}),
    )


def _sheet_context(request: AuthedRequest, session: Session, form: Any = None) -> dict[str, Any]:
    return {
        "session": session,
        "course": session.course,
        "rows": selectors.session_tick_rows(session=session),
        "form": form or forms.AttendanceForm(user=request.user),
        # After an error the sheet shows her ticks as she posted them, not the saved ones.
        "ticked": request.POST.getlist("attended") if form is not None else None,
        "may_write": may_write_at(user=request.user, org=session.course.org),
        "cancel_form": forms.CancelForm(),
    }


@login_required
@require_GET
def session_detail(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, session_id=session_id)
    return render(request, "trainings/session_detail.html", _sheet_context(request, session))


def _session_action(request: AuthedRequest, session_id: int, act: Any, done: str) -> HttpResponse:
    session = selectors.session_get_for_user(
        user=request.user, session_id=session_id, for_write=True
    )
    form = forms.CancelForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    if call_service(form, lambda: act(session=session, reason=reason)) is not None:
        messages.success(request, done)
    for error in [e for errors in form.errors.values() for e in errors]:
        messages.error(request, str(error))
    return redirect("trainings:session", session_id=session.pk)


@login_required
@require_POST
def session_held(request: AuthedRequest, session_id: int) -> HttpResponse:
    def act(*, session: Session, reason: str) -> Session:
        return services.session_mark_held(actor=request.user, session=session)

    return _session_action(request, session_id, act, _("已确认举办，请登记出勤。"))


@login_required
@require_POST
def session_cancel(request: AuthedRequest, session_id: int) -> HttpResponse:
    def act(*, session: Session, reason: str) -> Session:
        return services.session_cancel(actor=request.user, session=session, reason=reason)

    return _session_action(request, session_id, act, _("场次已取消。"))


@login_required
@require_POST
def session_attendance(request: AuthedRequest, session_id: int) -> HttpResponse:
    """Save the tick sheet: one service call writes the set. With htmx, answer the sheet."""
    session = selectors.session_get_for_user(
        user=request.user, session_id=session_id, for_write=True
    )
    form = forms.AttendanceForm(request.POST, user=request.user)
    saved = None
    if form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form,
            lambda: services.session_record_attendance(
                actor=request.user,
                session=session,
                attended=data["attended"],
                walk_ins=data["walk_ins"],
            ),
        )
    htmx = request.headers.get("HX-Request")
    if saved is not None:
        present = sum(1 for row in saved if row.attended)
        text = _("出勤已保存：%(n)s人。") % {"n": present}
        if not htmx:
            messages.success(request, text)
            return redirect("trainings:session", session_id=session.pk)
        context = _sheet_context(request, session) | {"saved": text}
        return render(request, "trainings/_sheet.html", context)
    context = _sheet_context(request, session, form)
    template = "trainings/_sheet.html" if htmx else "trainings/session_detail.html"
    return render(request, template, context)


# --- attendance, trainees, executives ------------------------------------------------------


def _attendance_filters(request: AuthedRequest) -> dict[str, Any]:
    start, end = _period(request)
    return {"org": _optional_org(request), "start": start, "end": end}


@login_required
@require_GET
def attendance_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    filters = _attendance_filters(request)
    rows = selectors.attendance_list(user=request.user, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "query": request.GET.urlencode()}
    context["pager_query"] = _pager_query(request)
    return render(request, "trainings/attendance_list.html", context)


@login_required
@require_GET
def attendance_export(request: AuthedRequest) -> HttpResponse:
    _business(request)
    filters = _attendance_filters(request)
    attendance = selectors.attendance_list(user=request.user, **filters)
    return xlsx_download(
        actor=request.user,
        action="trainings.export",
        filename=_("培训出勤"),
        columns=ATTENDANCE_COLUMNS,
        records=attendance.iterator(chunk_size=500),
        note=_note(list="attendance", **{k: getattr(v, "pk", v) for k, v in filters.items()}),
    )


@login_required
@require_GET
def trainee_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    filters = _attendance_filters(request)
    rows = selectors.trainee_list(user=request.user, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "pager_query": _pager_query(request)}
    return render(request, "trainings/trainee_list.html", context)


@login_required
@require_GET
def untrained_executives(request: AuthedRequest) -> HttpResponse:
    _business(request)
    org = org_param(request)
    start, end = period_params(request.GET)
    people = selectors.untrained_executives(user=request.user, org=org, start=start, end=end)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "org": org, "start": start, "end": end}
    context["pager_query"] = _pager_query(request)
    return render(request, "trainings/untrained.html", context)


@login_required
@require_GET
def person_record(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = person_get_for_user(user=request.user, person_id=person_id)
    rows = list(selectors.person_training_record(person=person))
    total = sum((row.session.hours for row in rows), start=0)
    context = {"person": person, "rows": rows, "total_hours": total}
    return render(request, "trainings/person_record.html", context)


# --- coverage and figures --------------------------------------------------------------------


@login_required
@require_GET
def coverage(request: AuthedRequest) -> HttpResponse:
    _business(request)
    org = org_param(request)
    start, end = period_params(request.GET)
    result = selectors.training_coverage(user=request.user, org=org, start=start, end=end)
    rows = [
        (child, counts, selectors.coverage_links(org=child, start=start, end=end))
        for child, counts in result.children
    ]
    context = {
        "coverage": result,
        "org": org,
        "start": start,
        "end": end,
        "rows": rows,
        "links": selectors.coverage_links(org=org, start=start, end=end),
    }
    return render(request, "trainings/coverage.html", context)


@login_required
@require_GET
def figures(request: AuthedRequest) -> HttpResponse:
    _business(request)
    org = org_param(request)
    start, end = period_params(request.GET)
    found = selectors.trainings_figures(user=request.user, org=org, start=start, end=end)
    context = {"org": org, "start": start, "end": end, "figures": found}
    return render(request, "trainings/figures.html", context)

"""People pages: search, person record, unmasking, executive roster with figures, teams."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, org_get_for_user
from jinguo.people import posts, selectors, services
from jinguo.people.forms import (
    ConcurrentPostForm,
    EndDateForm,
    PersonForm,
    PersonUpdateForm,
    RotationForm,
    SeatEndForm,
    SeatForm,
    TeamForm,
    TeamMemberForm,
    UnmaskForm,
)
from jinguo.people.policy import may_unmask
from jinguo.people.selectors import ExecutiveFigures, RosterFilters

PAGE_SIZE = 50


def _is_htmx(request: AuthedRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _org_param(request: AuthedRequest, *, for_write: bool = False) -> OrgUnit:
    """The unit named by ?org= (the user's own by default), fetched and checked."""
    raw = request.GET.get("org") or request.user.org_id
    if raw is None:
        raise Http404
    try:
        org_id = int(raw)
    except ValueError:
        raise Http404 from None
    return org_get_for_user(user=request.user, org_id=org_id, for_write=for_write)


def _form_page(
    request: AuthedRequest, form: Form, title: str, back: str, subject: Any
) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, "subject": subject}
    return render(request, "people/form.html", context)


# --- persons ------------------------------------------------------------------------------------


@login_required
@require_GET
def person_list(request: AuthedRequest) -> HttpResponse:
    org = _org_param(request) if request.GET.get("org") else None
    query = request.GET.get("q", "").strip()[:50]
    people = selectors.person_list(user=request.user, query=query, org=org)
    services.person_search_record(actor=request.user, query=query, results=people)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "people/person_rows.html" if _is_htmx(request) else "people/person_list.html"
    create_org = org or request.user.org
    context = {"page": page, "query": query, "org": org, "create_org": create_org}
    return render(request, template, context)


# Never cached, so the Back button cannot bring back numbers unmasked on this page.
@never_cache
@login_required
@require_GET
def person_detail(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    context = {
        "person": person,
        "seats": selectors.person_seats(person=person),
        "posts": selectors.person_concurrent_posts(person=person),
        "memberships": selectors.person_team_memberships(person=person),
        "grids": selectors.person_grid_assignments(person=person),
        "history": selectors.person_history(person=person)[:20],
        "can_write": may_write_at(user=request.user, org=person.org),
        "may_unmask": may_unmask(request.user),
        "unmask_form": UnmaskForm(),
    }
    return render(request, "people/person_detail.html", context)


@never_cache
@login_required
def person_unmask(request: AuthedRequest, person_id: int) -> HttpResponse:
    """The whole numbers of one person, for a stated reason; each time in the audit log."""
    person = selectors.person_get_for_user(user=request.user, person_id=person_id)
    if not may_unmask(request.user):
        raise PermissionDenied
    form = UnmaskForm(request.POST or None)
    numbers = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        numbers = call_service(
            form, lambda: services.person_unmask(actor=request.user, person=person, **data)
        )
    template = "people/person_numbers.html" if _is_htmx(request) else "people/unmask.html"
    context = {"person": person, "numbers": numbers, "unmask_form": form, "may_unmask": True}
    return render(request, template, context)


@login_required
def person_create(request: AuthedRequest) -> HttpResponse:
    org = _org_param(request, for_write=True)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = call_service(
            form, lambda: services.person_create(actor=request.user, org=org, **data)
        )
        if person is not None:
            messages.success(request, _("已登记“%(name)s”。") % {"name": person.name})
            return redirect("people:detail", person.pk)
    back = f"{reverse('people:list')}?org={org.pk}"
    return _form_page(request, form, _("登记人员"), back, org)


@login_required
def person_edit(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, person_id=person_id, for_write=True)
    form = PersonUpdateForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        if call_service(
            form, lambda: services.person_update(actor=request.user, person=person, **data)
        ):
            messages.success(request, _("已保存。"))
            return redirect("people:detail", person.pk)
    back = reverse("people:detail", args=[person.pk])
    return _form_page(request, form, _("修改人员信息"), back, person)


# --- seats and concurrent posts -----------------------------------------------------------------


@login_required
def seat_create(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, person_id=person_id, for_write=True)
    orgs = selectors.person_seat_orgs(user=request.user, person=person)
    form = SeatForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(form, lambda: posts.seat_create(actor=request.user, person=person, **data)):
            messages.success(request, _("已任命。"))
            return redirect("people:detail", person.pk)
    back = reverse("people:detail", args=[person.pk])
    return _form_page(request, form, _("任命执委职务"), back, person)


@login_required
def seat_end(request: AuthedRequest, seat_id: int) -> HttpResponse:
    seat = selectors.seat_get_for_user(user=request.user, seat_id=seat_id, for_write=True)
    form = SeatEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(form, lambda: posts.seat_end(actor=request.user, seat=seat, **data)):
            messages.success(request, _("已办理离任。"))
            return redirect(f"{reverse('people:executives')}?org={seat.org_id}")
    back = f"{reverse('people:executives')}?org={seat.org_id}"
    return _form_page(request, form, _("离任"), back, seat)


@login_required
def post_create(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, person_id=person_id, for_write=True)
    orgs = selectors.person_post_orgs(user=request.user, person=person)
    form = ConcurrentPostForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form, lambda: posts.concurrent_post_add(actor=request.user, person=person, **data)
        ):
            messages.success(request, _("已添加兼任职务。"))
            return redirect("people:detail", person.pk)
    back = reverse("people:detail", args=[person.pk])
    return _form_page(request, form, _("添加兼任职务"), back, person)


@login_required
def post_end(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = selectors.concurrent_post_get_for_user(
        user=request.user, post_id=post_id, for_write=True
    )
    form = EndDateForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form, lambda: posts.concurrent_post_end(actor=request.user, post=post, **data)
        ):
            messages.success(request, _("已结束兼任职务。"))
            return redirect("people:detail", post.person_id)
    back = reverse("people:detail", args=[post.person_id])
    return _form_page(request, form, _("结束兼任职务"), back, post)


# --- executive roster ---------------------------------------------------------------------------


def _roster_url(org: OrgUnit, filters: RosterFilters) -> str:
    return f"{reverse('people:executives')}?{urlencode({'org': org.pk, **filters.params()})}"


def _figure_links(org: OrgUnit, figures: ExecutiveFigures) -> dict[str, Any]:
    """The figures with the roster link behind each number."""

    def link(fig: selectors.Figure) -> dict[str, Any]:
        return {"label": fig.label, "value": fig.value, "url": _roster_url(org, fig.filters)}

    groups = [(label, [link(f) for f in figs]) for label, figs in figures.groups]
    return {"total": link(figures.total), "groups": groups}


@login_required
@require_GET
def executive_roster(request: AuthedRequest) -> HttpResponse:
    org = _org_param(request)
    filters = RosterFilters.from_params(request.GET)
    seats = selectors.executive_roster(user=request.user, org=org, filters=filters)
    figures = selectors.executive_figures(user=request.user, org=org)
    context = {
        "org": org,
        "page": Paginator(seats, PAGE_SIZE).get_page(request.GET.get("page")),
        "people_count": selectors.roster_person_count(seats),
        "figures": _figure_links(org, figures),
        "filtered": bool(filters.params()),
        "all_url": _roster_url(org, RosterFilters()),
        "can_write": may_write_at(user=request.user, org=org),
    }
    return render(request, "people/executives.html", context)


# --- teams --------------------------------------------------------------------------------------


@login_required
@require_GET
def team_list(request: AuthedRequest) -> HttpResponse:
    org = _org_param(request)
    today = timezone.localdate()
    context = {
        "org": org,
        "teams": selectors.team_list(user=request.user, org=org, today=today),
        "today": today,
        "can_write": may_write_at(user=request.user, org=org),
    }
    return render(request, "people/teams.html", context)


def _teams_url(org_id: int) -> str:
    return f"{reverse('people:teams')}?org={org_id}"


@login_required
def team_create(request: AuthedRequest) -> HttpResponse:
    org = _org_param(request, for_write=True)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(form, lambda: posts.team_create(actor=request.user, org=org, **data)):
            messages.success(request, _("已新建团队。"))
            return redirect(_teams_url(org.pk))
    return _form_page(request, form, _("新建团队"), _teams_url(org.pk), org)


@login_required
def team_member_add(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = selectors.team_get_for_user(user=request.user, team_id=team_id, for_write=True)
    people = selectors.team_member_candidates(user=request.user, team=team)
    form = TeamMemberForm(
        request.POST or None, people=people, initial={"start_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(form, lambda: posts.team_member_add(actor=request.user, team=team, **data)):
            messages.success(request, _("已加入团队。"))
            return redirect(_teams_url(team.org_id))
    return _form_page(request, form, _("添加团队成员"), _teams_url(team.org_id), team)


@login_required
def team_member_end(request: AuthedRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership_get_for_user(
        user=request.user, membership_id=membership_id, for_write=True
    )
    form = EndDateForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form,
            lambda: posts.team_member_end(actor=request.user, membership=membership, **data),
        ):
            messages.success(request, _("已退出团队。"))
            return redirect(_teams_url(membership.team.org_id))
    back = _teams_url(membership.team.org_id)
    return _form_page(request, form, _("退出团队"), back, membership)


@login_required
def rotation_create(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = selectors.team_get_for_user(user=request.user, team_id=team_id, for_write=True)
    form = RotationForm(request.POST or None, people=selectors.team_current_members(team=team))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(form, lambda: posts.rotation_create(actor=request.user, team=team, **data)):
            messages.success(request, _("已安排轮值。"))
            return redirect(_teams_url(team.org_id))
    return _form_page(request, form, _("安排轮值"), _teams_url(team.org_id), team)


PICK_LIMIT = 20


@login_required
@require_GET
def person_pick(request: AuthedRequest) -> HttpResponse:
    """Checkbox rows of visible persons matching ?q=, for any form that picks people
    (attendees, participants, trainees…): `people/_picker.html` asks for them as she types.
    The boxes submit nothing: jinguo/picker.js makes a ticked one a chip of the picker."""
    query = request.GET.get("q", "").strip()[:50]
    org = _org_param(request) if request.GET.get("org") else None
    found = selectors.person_list(user=request.user, query=query, org=org)[:PICK_LIMIT]
    services.person_search_record(actor=request.user, query=query, results=found)
    context = {"found": found if query else [], "query": query}
    return render(request, "people/_pick_rows.html", context)

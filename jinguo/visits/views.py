"""Pages of the visit log: my to-do, the three-tap visit form, the overdue roll-up, a
household's visit history and the wishes. Households and wishes come through the selectors'
fetch-and-check functions: out of scope is a 404, a write by a read-only role a 403."""

from collections.abc import Callable
from functools import partial
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.common.pagination import CachedCountPaginator
from jinguo.common.params import org_param, period_params
from jinguo.households.models import Household
from jinguo.households.selectors import household_get_for_user
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_get_for_user
from jinguo.visits import selectors, services
from jinguo.visits.forms import CancelForm, ClaimForm, FulfilForm, VisitForm, WishForm
from jinguo.visits.models import Visit, Wish

PAGE_SIZE = 50


def _int(request: AuthedRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _business(request: AuthedRequest) -> None:
    if not request.user.has_business_scope:
        raise Http404


def _org_param(request: AuthedRequest, *, default_own: bool) -> OrgUnit | None:
    org_id = _int(request, "org") or (request.user.org_id if default_own else None)
    return org_get_for_user(user=request.user, org_id=org_id) if org_id else None


@login_required
@require_GET
def todo(request: AuthedRequest) -> HttpResponse:
    _business(request)
    if "start" in request.GET or "end" in request.GET:
        # A dashboard figure (入户走访 of an org and period) links here: those are visits made,
        # listed by visit_list, not households to visit.
        return redirect(f"{reverse('visits:list')}?{request.GET.urlencode()}")
    org = _org_param(request, default_own=False)
    # Paged rather than cut at 300 rows: a county's to-do holds thousands of households, and the
    # overdue figures link here, so every one of them must be reachable.
    overdue = request.GET.get("overdue") == "1"  # the overdue figures' households, no others
    due = selectors.visit_overdue if overdue else selectors.visit_todo
    rows = selectors.household_rows(due(user=request.user, org=org))
    page = CachedCountPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {"page": page, "rows": page, "org": org, "overdue": overdue}
    context["today"] = timezone.localdate()
    return render(request, "visits/todo.html", context)


# The visit list counts at most this many rows (20 pages): a county's year holds a million visits,
# whose exact count costs more than the page (the dashboard figure gives the exact number).
LIST_COUNT_CAP = 1_000


class _CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        visits = cast(QuerySet[Visit], self.object_list)
        return visits[: LIST_COUNT_CAP + 1].count()


@login_required
@require_GET
def visit_list(request: AuthedRequest) -> HttpResponse:
    """Visits of an org's subtree in a period (?org=&start=&end=, by default her unit and the
    year to date), newest first."""
    _business(request)
    org = org_param(request)
    start, end = period_params(request.GET)
    visits = selectors.visit_list(user=request.user, org=org, start=start, end=end)
    page = _CappedPaginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "org": org, "start": start, "end": end, "cap": LIST_COUNT_CAP}
    return render(request, "visits/list.html", context)


@login_required
@require_GET
def overdue(request: AuthedRequest) -> HttpResponse:
    _business(request)
    org = _org_param(request, default_own=True)
    if org is None:
        raise Http404
    counts = selectors.overdue_counts(user=request.user, org=org)
    return render(request, "visits/overdue.html", {"org": org, "counts": counts})


def _picker(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:50]
    picked = selectors.household_picker(user=request.user, query=query)
    rows = selectors.household_rows(picked, "is_overdue", "mine")[:50]
    context = {"rows": rows, "query": query, "today": timezone.localdate()}
    fragment = request.headers.get("HX-Request")
    return render(request, "visits/picker_rows.html" if fragment else "visits/picker.html", context)


def _log(request: AuthedRequest, household: Household, form: VisitForm) -> Visit:
    case = form.case_data()
    if case is None:
        return services.visit_log(actor=request.user, household=household, **form.visit_data())
    return services.visit_log_with_case(
        actor=request.user, household=household, **case, **form.visit_data()
    )


def _logged_message(visit: Visit, household: Household) -> str:
    """The visit, and the case it reported with a link to it (the case links back)."""
    done = _("已记录对%(number)s的走访。") % {"number": household}
    if visit.case is None:
        return done
    return format_html(
        '{} <a class="alert-link" href="{}">{}</a>',
        done,
        reverse("cases:detail", args=[visit.case.pk]),
        _("已上报案件%(number)s，查看办理") % {"number": visit.case.number},
    )


def _next(request: AuthedRequest) -> str:
    """Where a saved visit returns: ?next= (the home page's «走访» passes "/") when it is a
    local URL, else the to-do list."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    local = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if local else reverse("visits:todo")


@login_required
def visit_create(request: AuthedRequest) -> HttpResponse:
    _business(request)
    if request.method == "POST" and not request.user.can_write:
        raise PermissionDenied
    household_id = _int(request, "household")
    if household_id is None:
        return _picker(request)
    household = household_get_for_user(user=request.user, household_id=household_id, for_write=True)
    form = VisitForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        visit = call_service(form, lambda: _log(request, household, form))
        if visit is not None:
            messages.success(request, _logged_message(visit, household))
            return redirect(_next(request))
    context = {"form": form, "household": household, "next": _next(request)}
    return render(request, "visits/form.html", context)


@login_required
@require_GET
def household_visits(request: AuthedRequest, household_id: int) -> HttpResponse:
    household = household_get_for_user(user=request.user, household_id=household_id)
    visits = selectors.visit_list(user=request.user, household=household)
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "visits/household.html", {"household": household, "page": page})


@login_required
def wish_list(request: AuthedRequest) -> HttpResponse:
    """The wishes in scope and the collect form; ?household= collects for that household (the
    link on the visit form: a wish heard during a visit)."""
    _business(request)
    household_id = _int(request, "household")
    household = None
    if household_id is not None:
        household = household_get_for_user(
            user=request.user, household_id=household_id, for_write=request.method == "POST"
        )
    form = WishForm(request.POST or None)
    if request.method == "POST" and not request.user.can_write:
        raise PermissionDenied
    if form.is_valid():
        collect = partial(services.wish_collect, actor=request.user, household=household)
        if call_service(form, lambda: collect(**form.cleaned_data)) is not None:
            messages.success(request, _("心愿已登记。"))
            return redirect("visits:wishes")
    status = request.GET.get("status") or None
    listed = _wish_filters(request)
    wishes = selectors.wish_list(user=request.user, status=status, **listed)
    page = Paginator(wishes, PAGE_SIZE)
    context = {"form": form, "page": page.get_page(request.GET.get("page")), "status": status}
    context |= {"statuses": Wish.Status.choices, "household": household, "listed": listed}
    context["count"] = page.count
    return render(request, "visits/wishes.html", context)


def _wish_filters(request: AuthedRequest) -> dict[str, Any]:
    """?org= (a subtree) and ?start=&end= with ?by=collected|fulfilled: what a dashboard
    figure (收集心愿, 实现心愿) counts; none of them: every wish in scope."""
    listed: dict[str, Any] = {}
    org = _org_param(request, default_own=False)
    if org is not None:
        listed["org"] = org
    if "start" in request.GET or "end" in request.GET:
        listed["start"], listed["end"] = period_params(request.GET)
        listed["by"] = "fulfilled" if request.GET.get("by") == "fulfilled" else "collected"
    return listed


def _wish_action(
    request: AuthedRequest, wish_id: int, form_class: type[Form], act: Callable[..., Wish]
) -> HttpResponse:
    wish = selectors.wish_get_for_user(user=request.user, wish_id=wish_id, for_write=True)
    form = form_class(request.POST, request.FILES or None)
    done: Wish | None = None
    if form.is_valid():
        done = call_service(form, lambda: act(actor=request.user, wish=wish, **form.cleaned_data))
    if done is not None:
        messages.success(request, _("已更新心愿状态。"))
    for error in [e for errors in form.errors.values() for e in errors]:
        messages.error(request, str(error))
    return redirect("visits:wishes")


@login_required
@require_POST
def wish_claim(request: AuthedRequest, wish_id: int) -> HttpResponse:
    return _wish_action(request, wish_id, ClaimForm, services.wish_claim)


@login_required
@require_POST
def wish_fulfil(request: AuthedRequest, wish_id: int) -> HttpResponse:
    return _wish_action(request, wish_id, FulfilForm, services.wish_fulfil)


@login_required
@require_POST
def wish_cancel(request: AuthedRequest, wish_id: int) -> HttpResponse:
    return _wish_action(request, wish_id, CancelForm, services.wish_cancel)

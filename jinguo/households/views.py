"""Pages of the household ledger (台账), the handover form and 不漏一户.

Every page fetches its household or grid through the selectors' fetch-and-check functions: a
record outside the user's scope is a 404, a write by a read-only role a 403.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jinguo.cases.selectors import household_cases
from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.common.pagination import CachedCountPaginator
from jinguo.common.params import date_param
from jinguo.households import assignments, selectors, services
from jinguo.households.coverage import CoverageCounts, coverage_counts
from jinguo.households.forms import (
    AssignForm,
    CategoriesForm,
    EndForm,
    GridAssignForm,
    HouseholdForm,
    RelocateForm,
    ResidentForm,
    RevealForm,
)
from jinguo.households.ledger import (
    PLAN_FILTERS,
    LedgerRow,
    households_filtered,
    ledger_filters,
    ledger_rows,
    ledger_values,
    my_households,
)
from jinguo.households.models import Category, Household
from jinguo.households.numbers import household_next_number
from jinguo.households.policy import may_reveal_sensitive
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at, org_breadcrumbs, org_get_for_user

PAGE_SIZE = 50


def _int(params: QueryDict, name: str) -> int | None:
    value = params.get(name, "")
    return int(value) if value.isdigit() else None


def _flag(params: QueryDict, name: str) -> bool | None:
    """ "1" yes, "0" no, anything else: not filtered."""
    return {"1": True, "0": False}.get(params.get(name, ""))


def _ledger_filters(request: AuthedRequest) -> dict[str, Any]:
    params = request.GET
    return ledger_filters(
        user=request.user,
        org_id=_int(params, "org"),
        grid_id=_int(params, "grid"),
        category_id=_int(params, "category"),
        executive_id=_int(params, "executive"),
        query=params.get("q", "").strip()[:50],
        unassigned=_flag(params, "unassigned"),
        relocated=_flag(params, "relocated"),
        double=_flag(params, "double") or None,
        uncovered=_flag(params, "uncovered") or None,
        over_quota=_flag(params, "over_quota") or None,
        plan=params.get("plan") if params.get("plan") in PLAN_FILTERS else None,
    )


def _org_param(request: AuthedRequest) -> OrgUnit:
    """?org= or the user's own unit, fetched and checked."""
    org_id = _int(request.GET, "org") or request.user.org_id
    if org_id is None:
        raise Http404
    return org_get_for_user(user=request.user, org_id=org_id)


def _page(request: AuthedRequest, items: Any) -> Any:
    return CachedCountPaginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _htmx(request: AuthedRequest, fragment: str, page: str) -> str:
    return fragment if request.headers.get("HX-Request") else page


# --- the ledger --------------------------------------------------------------------------------


def _ledger_page(
    request: AuthedRequest, households: QuerySet[Household], categories: list[Category]
) -> tuple[Any, list[LedgerRow]]:
    """The requested page of `households` and its rows (household_rows.html), read as values."""
    page = _page(request, ledger_values(households))
    return page, ledger_rows(page, categories=categories)


@login_required
@require_GET
def household_list(request: AuthedRequest) -> HttpResponse:
    filters = _ledger_filters(request)
    if "category" in filters:  # a sensitive category's list names who holds it: audited
        org = filters.get("grid") or filters.get("org") or request.user.org
        services.sensitive_list_record(actor=request.user, category=filters["category"], org=org)
    # Read fresh, never kept: a category marked sensitive is masked on the very next page.
    categories = list(selectors.category_list(active_only=False))  # the filter's and the rows'
    households = households_filtered(user=request.user, **filters)
    page, rows = _ledger_page(request, households, categories)
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "categories": [c for c in categories if c.is_active],
        # Only what an <option> shows: up to 300 full rows with parents cost more than the page.
        "grids": selectors.grid_options(user=request.user, org=filters.get("org")),
    }
    template = _htmx(request, "households/household_rows.html", "households/list.html")
    return render(request, template, context)


@login_required
@require_GET
def household_mine(request: AuthedRequest) -> HttpResponse:
    if not request.user.has_business_scope:
        raise Http404
    categories = list(selectors.category_list(active_only=False))
    page, rows = _ledger_page(request, my_households(user=request.user), categories)
    return render(request, "households/mine.html", {"page": page, "rows": rows})


# Never cached: a page that shows sensitive details should not come back with the Back button.
@never_cache
@login_required
@require_GET
def household_detail(request: AuthedRequest, household_id: int) -> HttpResponse:
    household = selectors.household_get_for_user(user=request.user, household_id=household_id)
    residents = list(selectors.household_residents(household=household))
    categories = selectors.household_categories(household=household)
    masks = selectors.history_masks(user=request.user, household=household, residents=residents)
    context = {
        "household": household,
        "residents": residents,
        "assignments": selectors.household_assignments(household=household),
        "categories": categories,
        "history": selectors.household_history(household=household)[:20],
        "cases": household_cases(user=request.user, household=household)[:20],
        "masks": masks,
        "can_write": selectors.may_write_household(user=request.user, household=household),
        "has_hidden": selectors.has_hidden_details(
            user=request.user, categories=categories, residents=residents
        ),
        "may_reveal": may_reveal_sensitive(request.user),
        "end_form": EndForm(auto_id=False),
    }
    return render(request, "households/detail.html", context)


@never_cache
@login_required
def household_reveal(request: AuthedRequest, household_id: int) -> HttpResponse:
    """「查看」: the household's sensitive categories and minors in clear, for a stated reason,
    once (never cached); each time in the audit log. GET: the reason form."""
    if not may_reveal_sensitive(request.user):  # the role first: 403 whatever the household
        raise PermissionDenied
    household = selectors.household_get_for_user(user=request.user, household_id=household_id)
    form = RevealForm(request.POST or None)
    revealed = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        revealed = call_service(
            form,
            lambda: services.household_unmask(actor=request.user, household=household, **data),
        )
    template = _htmx(request, "households/_sensitive.html", "households/reveal.html")
    context = {"household": household, "revealed": revealed, "reveal_form": form, "open": True}
    return render(request, template, context)


@login_required
@require_GET
def household_history(request: AuthedRequest, household_id: int) -> HttpResponse:
    household = selectors.household_get_for_user(user=request.user, household_id=household_id)
    page = _page(request, selectors.household_history(household=household))
    residents = selectors.household_residents(household=household)
    masks = selectors.history_masks(user=request.user, household=household, residents=residents)
    context = {"household": household, "page": page, "masks": masks}
    return render(request, "households/history.html", context)


def _form_page(
    request: AuthedRequest, form: Form, title: str, household: Household | None = None
) -> HttpResponse:
    context = {"form": form, "title": title, "household": household}
    return render(request, "households/form.html", context)


def _saved(request: AuthedRequest, household: Household) -> HttpResponse:
    messages.success(request, _("已保存。"))
    return redirect("households:detail", household.pk)


@login_required
def household_create(request: AuthedRequest) -> HttpResponse:
    if not (request.user.has_business_scope and request.user.can_write):
        raise PermissionDenied
    grid_id = _int(request.GET, "grid")
    grid = selectors.grid_get_for_user(user=request.user, grid_id=grid_id) if grid_id else None
    if grid is None:  # a grid member with one grid has nothing to choose
        grids = list(selectors.grid_list_visible(user=request.user)[:2])
        grid = grids[0] if len(grids) == 1 else None
    initial = {
        "grid": grid.pk if grid else None,
        "number": household_next_number(grid=grid) if grid else "",
    }
    form = HouseholdForm(
        request.POST or None,
        user=request.user,
        initial=initial,
        suggest_url=reverse("households:next_number"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = call_service(
            form, lambda: services.household_create(actor=request.user, **data)
        )
        if household is not None:
            return _saved(request, household)
    return _form_page(request, form, _("新建家庭"))


@login_required
def household_number_suggest(request: AuthedRequest) -> HttpResponse:
    """The number input of the new-household form, holding the chosen grid's next free number
    (htmx swaps it in when the grid changes)."""
    if not (request.user.has_business_scope and request.user.can_write):
        raise PermissionDenied
    grid_id = _int(request.GET, "grid")
    grid = selectors.grid_get_for_user(user=request.user, grid_id=grid_id) if grid_id else None
    number = household_next_number(grid=grid) if grid else ""
    form = HouseholdForm(user=request.user, initial={"number": number})
    return render(request, "households/_number_input.html", {"field": form["number"]})


@login_required
def household_edit(request: AuthedRequest, household_id: int) -> HttpResponse:
    household = selectors.household_get_for_user(
        user=request.user, household_id=household_id, for_write=True
    )
    initial = HouseholdForm.initial_for(household)
    form = HouseholdForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form,
            lambda: services.household_update(actor=request.user, household=household, **data),
        ):
            return _saved(request, household)
    return _form_page(request, form, _("修改家庭信息"), household)


@login_required
def household_assign(request: AuthedRequest, household_id: int) -> HttpResponse:
    household = selectors.household_get_for_user(
        user=request.user, household_id=household_id, for_write=True
    )
    form = AssignForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form,
            lambda: assignments.household_assign(actor=request.user, household=household, **data),
        ):
            return _saved(request, household)
    return _form_page(request, form, _("包保交接"), household)


def _end_from_post(request: AuthedRequest, end: Callable[[dict[str, Any]], object]) -> None:
    """The small 结束 form under each open assignment: end date and reason, both optional."""
    form = EndForm(request.POST)
    if form.is_valid() and call_service(form, lambda: end(form.cleaned_data)) is not None:
        messages.success(request, _("已结束。"))
        return
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))


@login_required
@require_POST
def assignment_end(request: AuthedRequest, household_id: int, assignment_id: int) -> HttpResponse:
    household = selectors.household_get_for_user(
        user=request.user, household_id=household_id, for_write=True
    )
    row = selectors.household_assignment_get(household=household, assignment_id=assignment_id)
    _end_from_post(
        request,
        lambda data: assignments.household_unassign(actor=request.user, assignment=row, **data),
    )
    return redirect("households:detail", household.pk)


@login_required
def household_relocate(request: AuthedRequest, household_id: int) -> HttpResponse:
    household = selectors.household_get_for_user(
        user=request.user, household_id=household_id, for_write=True
    )
    initial = {"living_grid": household.living_grid_id, "living_address": household.living_address}
    form = RelocateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form,
            lambda: assignments.household_relocate(actor=request.user, household=household, **data),
        ):
            return _saved(request, household)
    return _form_page(request, form, _("异地居住（拆迁）"), household)


@login_required
def household_categories(request: AuthedRequest, household_id: int) -> HttpResponse:
    household = selectors.household_get_for_user(
        user=request.user, household_id=household_id, for_write=True
    )
    # A cadre's form does not show which sensitive categories are held (CategoriesForm).
    form = CategoriesForm(request.POST or None, household=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        categories, since = form.categories_to_save(), form.cleaned_data["since"]
        if call_service(
            form,
            lambda: services.household_set_categories(
                actor=request.user, household=household, categories=categories, since=since
            ),
        ):
            return _saved(request, household)
    return _form_page(request, form, _("重点类别"), household)


@login_required
def resident_add(request: AuthedRequest, household_id: int) -> HttpResponse:
    household = selectors.household_get_for_user(
        user=request.user, household_id=household_id, for_write=True
    )
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        known = selectors.person_find_by_id_number(user=request.user, id_number=data["id_number"])
        if call_service(
            form,
            lambda: services.resident_register(
                actor=request.user, household=household, known=known, **data
            ),
        ):
            return _saved(request, household)
    return _form_page(request, form, _("添加家庭成员"), household)


@login_required
@require_POST
def resident_remove(request: AuthedRequest, household_id: int, person_id: int) -> HttpResponse:
    household = selectors.household_get_for_user(
        user=request.user, household_id=household_id, for_write=True
    )
    resident = get_object_or_404(household.residents.select_related("person"), person_id=person_id)
    services.resident_remove(actor=request.user, household=household, person=resident.person)
    return _saved(request, household)


# --- 不漏一户 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureLink:
    label: str
    value: int
    url: str
    alert: bool  # a gap to close: shown in red when not zero


def _figure_links(
    org: OrgUnit, counts: CoverageCounts, on: dt.date | None = None
) -> list[FigureLink]:
    """Every figure of 不漏一户 with the list of the records behind it; grids covered (覆盖,
    households.grid_coverage) and without an executive on the day `on` (today by default)."""
    ledger, grids = reverse("households:list"), reverse("households:grids")
    day = f"&on={on.isoformat()}" if on else ""
    return [
        FigureLink(_("家庭"), counts.households, f"{ledger}?org={org.pk}", False),
        FigureLink(_("未包保"), counts.unassigned, f"{ledger}?org={org.pk}&unassigned=1", True),
        FigureLink(_("多人包保"), counts.double, f"{ledger}?org={org.pk}&double=1", True),
        FigureLink(_("网格"), counts.grids, f"{grids}?org={org.pk}", False),
        FigureLink(
            _("覆盖网格"), counts.covered_grids, f"{grids}?org={org.pk}&unstaffed=0{day}", False
        ),
        FigureLink(
            _("无执委网格"),
            counts.unstaffed_grids,
            f"{grids}?org={org.pk}&unstaffed=1{day}",
            True,
        ),
        FigureLink(
            _("异地居住未落实就近联系"),
            counts.uncovered,
            f"{ledger}?org={org.pk}&uncovered=1",
            True,
        ),
        FigureLink(
            _("包保超出类别上限"), counts.over_quota, f"{ledger}?org={org.pk}&over_quota=1", True
        ),
    ]


@login_required
@require_GET
def coverage(request: AuthedRequest) -> HttpResponse:
    org = _org_param(request)
    on = date_param(request.GET, "on")  # ?on=: grids covered that day (today by default)
    data = coverage_counts(user=request.user, org=org, on=on)
    context = {
        "org": org,
        "on": on,
        "coverage": data,
        "figures": _figure_links(org, data.total, on),
        "children": [(child, _figure_links(child, counts, on)) for child, counts in data.children],
        "breadcrumbs": org_breadcrumbs(user=request.user, org=org),
    }
    return render(request, "households/coverage.html", context)


# --- executives in grids ------------------------------------------------------------------------


@login_required
@require_GET
def grid_list(request: AuthedRequest) -> HttpResponse:
    org = _org_param(request)
    unstaffed = _flag(request.GET, "unstaffed")
    on = date_param(request.GET, "on")  # ?on=: executives assigned that day (today by default)
    grids = selectors.grid_list_with_executives(
        user=request.user, org=org, unstaffed=unstaffed, on=on
    )
    context = {"org": org, "unstaffed": unstaffed, "on": on, "page": _page(request, grids)}
    return render(request, "households/grids.html", context)


@login_required
def grid_executives(request: AuthedRequest, grid_id: int) -> HttpResponse:
    grid = selectors.grid_get_for_user(
        user=request.user, grid_id=grid_id, for_write=request.method == "POST"
    )
    form = GridAssignForm(request.POST or None, user=request.user, grid=grid)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form, lambda: assignments.grid_assign(actor=request.user, grid=grid, **data)
        ):
            messages.success(request, _("已分配。"))
            return redirect("households:grid_executives", grid.pk)
    context = {
        "grid": grid,
        "form": form,
        "end_form": EndForm(auto_id=False),
        "assignments": selectors.grid_assignments(grid=grid),
        "can_write": may_write_at(user=request.user, org=grid),
    }
    return render(request, "households/grid_executives.html", context)


@login_required
@require_POST
def grid_assignment_end(request: AuthedRequest, grid_id: int, assignment_id: int) -> HttpResponse:
    grid = selectors.grid_get_for_user(user=request.user, grid_id=grid_id, for_write=True)
    row = selectors.grid_assignment_get(grid=grid, assignment_id=assignment_id)
    _end_from_post(
        request, lambda data: assignments.grid_unassign(actor=request.user, assignment=row, **data)
    )
    return redirect("households:grid_executives", grid.pk)

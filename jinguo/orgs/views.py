from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.orgs import selectors, services
from jinguo.orgs.forms import (
    OrgCreateForm,
    OrgImportForm,
    OrgMergeForm,
    OrgMoveForm,
    OrgUpdateForm,
    VenueForm,
)
from jinguo.orgs.kinds import Kind, kind_label
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.tree_export import org_tree_export, org_tree_template
from jinguo.orgs.tree_import import org_tree_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def org_detail(request: AuthedRequest, org_id: int) -> HttpResponse:
    org = selectors.org_get_for_user(user=request.user, org_id=org_id)
    context = {
        "org": org,
        "breadcrumbs": selectors.org_breadcrumbs(user=request.user, org=org),
        "children": selectors.org_children(org=org),
        "kind_counts": [
            (k, kind_label(k), n) for k, n in selectors.org_subtree_kind_counts(org=org).items()
        ],
        "venues": selectors.venue_list(org=org),
        "can_write": selectors.may_write_at(user=request.user, org=org) and org.is_active,
    }
    return render(request, "orgs/detail.html", context)


@login_required
@require_GET
def org_units(request: AuthedRequest, org_id: int) -> HttpResponse:
    """Every unit below `org`, optionally of one kind or matching a search: where counts lead."""
    org = selectors.org_get_for_user(user=request.user, org_id=org_id)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    query = request.GET.get("q", "").strip()[:50]
    units = selectors.org_subtree_units(user=request.user, org=org, kind=kind, query=query)
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    template = "orgs/units_rows.html" if request.headers.get("HX-Request") else "orgs/units.html"
    context = {
        "org": org,
        "page": page,
        "kind": kind,
        "query": query,
        "kind_name": kind_label(kind) if kind else "",
        "kinds": Kind.choices,
    }
    return render(request, template, context)


@login_required
def org_create_child(request: AuthedRequest, org_id: int) -> HttpResponse:
    parent = selectors.org_get_for_user(user=request.user, org_id=org_id, for_write=True)
    form = OrgCreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = call_service(
            form, lambda: services.org_create(actor=request.user, parent=parent, **data)
        )
        if child is not None:
            messages.success(request, _("已新建“%(name)s”。") % {"name": child.name})
            return redirect("orgs:detail", child.pk)
    return _form_page(request, parent, form, _("新建下级组织"))


@login_required
def org_edit(request: AuthedRequest, org_id: int) -> HttpResponse:
    org = selectors.org_get_for_user(user=request.user, org_id=org_id, for_write=True)
    form = OrgUpdateForm(request.POST or None, initial={"name": org.name, "code": org.code})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(form, lambda: services.org_update(actor=request.user, org=org, **data)):
            messages.success(request, _("已保存。"))
            return redirect("orgs:detail", org.pk)
    return _form_page(request, org, form, _("修改组织"))


def _scope_root_guard(request: AuthedRequest, org_id: int) -> None:
    # Moving or merging away the unit a user's whole scope hangs from would cut her off.
    if request.user.org_id == org_id:
        raise PermissionDenied


@login_required
def org_move(request: AuthedRequest, org_id: int) -> HttpResponse:
    _scope_root_guard(request, org_id)
    org = selectors.org_get_for_user(user=request.user, org_id=org_id, for_write=True)
    form = OrgMoveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        moved = call_service(
            form,
            lambda: services.org_move(
                actor=request.user,
                org=org,
                new_parent=data["parent_code"],
                new_code=data["new_code"] or None,
                note=data["note"],
            ),
        )
        if moved is not None:
            messages.success(request, _("已调整上级。"))
            return redirect("orgs:detail", org.pk)
    return _form_page(request, org, form, _("调整上级"))


@login_required
def org_merge(request: AuthedRequest, org_id: int) -> HttpResponse:
    _scope_root_guard(request, org_id)
    source = selectors.org_get_for_user(user=request.user, org_id=org_id, for_write=True)
    form = OrgMergeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = call_service(
            form,
            lambda: services.org_merge(
                actor=request.user, source=source, target=data["target_code"], note=data["note"]
            ),
        )
        if target is not None:
            messages.success(request, _("已并入“%(name)s”。") % {"name": target.name})
            return redirect("orgs:detail", target.pk)
    return _form_page(request, source, form, _("合并组织"))


def _form_page(request: AuthedRequest, org: OrgUnit, form: Form, title: str) -> HttpResponse:
    return render(request, "orgs/form.html", {"org": org, "form": form, "title": title})


@login_required
@require_GET
def org_history(request: AuthedRequest, org_id: int) -> HttpResponse:
    org = selectors.org_get_for_user(user=request.user, org_id=org_id)
    page = Paginator(selectors.org_history(org=org), 50).get_page(request.GET.get("page"))
    return render(request, "orgs/history.html", {"org": org, "page": page})


@login_required
def venue_create(request: AuthedRequest, org_id: int) -> HttpResponse:
    org = selectors.org_get_for_user(user=request.user, org_id=org_id, for_write=True)
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.venue_create(actor=request.user, org=org, **form.cleaned_data)
        messages.success(request, _("已添加阵地。"))
        return redirect("orgs:detail", org.pk)
    return _form_page(request, org, form, _("添加阵地"))


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
@require_GET
def org_export(request: AuthedRequest, org_id: int) -> HttpResponse:
    org = selectors.org_get_for_user(user=request.user, org_id=org_id)
    content = org_tree_export(actor=request.user, root=org)
    return _xlsx_response(content, f"org-tree-{org.code or org.pk}.xlsx")


@login_required
@require_GET
def org_import_template(request: AuthedRequest, org_id: int) -> HttpResponse:
    selectors.org_get_for_user(user=request.user, org_id=org_id, for_write=True)
    return _xlsx_response(org_tree_template(), "org-tree-template.xlsx")


@login_required
def org_import(request: AuthedRequest, org_id: int) -> HttpResponse:
    org = selectors.org_get_for_user(user=request.user, org_id=org_id, for_write=True)
    form = OrgImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = org_tree_import(actor=request.user, root=org, file=form.cleaned_data["file"])
        if not result.errors:
            messages.success(request, _("导入完成。"))
    return render(request, "orgs/import.html", {"org": org, "form": form, "result": result})

"""Pages of the 三新 registry (两库两册). Records come through the selectors' fetch-and-check
functions: out of scope is a 404, a write by a read-only role a 403."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.common.params import choice_param, int_param, org_param, period_params
from jinguo.common.xlsx import xlsx_download
from jinguo.orgs.selectors import may_write_at, org_get_for_user
from jinguo.sanxin import forms, selectors, services, targets, workers
from jinguo.sanxin.exports import ORG_COLUMNS, WORKER_COLUMNS
from jinguo.sanxin.figures import ORG_FIGURE_LABELS
from jinguo.sanxin.models import Category, SanxinOrg, SanxinTarget, SanxinWorker, Sector


def _business(request: AuthedRequest) -> None:
    if not request.user.has_business_scope:
        raise Http404


def _org_filters(request: AuthedRequest) -> dict[str, Any]:
    params = request.GET
    flags = {"1": True, "0": False}
    filters: dict[str, Any] = {
        "org": org_param(request),
        "category": choice_param(params, "category", Category.values),
        "sector": choice_param(params, "sector", Sector.values),
        "federation": flags.get(params.get("federation", "")),
        "query": params.get("q", "").strip()[:50],
        "active": params.get("inactive") != "1",
    }
    key = params.get("figure", "")
    if key in ORG_FIGURE_LABELS:  # a figure's link: exactly the records it counts
        start, end = period_params(params)
        filters["ids_q"] = selectors.sanxin_figure_q(
            key=key, org=filters["org"], start=start, end=end
        )
        filters["active"] = None
    target_id = int_param(params, "target")
    if target_id is not None:  # a target's progress: exactly the records it counts
        target = selectors.sanxin_target_get_for_user(user=request.user, target_id=target_id)
        if target.metric == SanxinTarget.Metric.WOMEN:
            raise Http404
        filters["ids_q"] = selectors.target_records_q(target=target)
        filters["active"] = None
    return filters


@login_required
@require_GET
def sanxin_org_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    filters = _org_filters(request)
    rows = selectors.sanxin_org_list(user=request.user, **filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "params": request.GET,
        "categories": Category.choices,
        "sectors": Sector.choices,
        "export_query": request.GET.urlencode(),
    }
    template = "sanxin/org_rows.html" if request.headers.get("HX-Request") else "sanxin/list.html"
    return render(request, template, context)


@login_required
@require_GET
def sanxin_org_export(request: AuthedRequest) -> HttpResponse:
    _business(request)
    orgs = selectors.sanxin_org_list(user=request.user, **_org_filters(request))
    return xlsx_download(
        actor=request.user,
        action="sanxin.export",
        filename=_("三新组织信息库"),
        columns=ORG_COLUMNS,
        records=orgs.iterator(chunk_size=500),
        note=request.GET.urlencode(),
    )


def _org_initial(org: SanxinOrg) -> dict[str, Any]:
    fields = [
        "name", "credit_code", "category", "sector", "workers", "women_workers",
        "has_party_org", "contact_name", "contact_phone", "address", "registered_on", "is_active",
    ]  # fmt: skip
    return {f: getattr(org, f) for f in fields}


@login_required
@require_http_methods(["GET", "POST"])
def sanxin_org_create(request: AuthedRequest) -> HttpResponse:
    org = org_param(request, for_write=True)
    form = forms.SanxinOrgForm(request.POST or None, user=request.user, initial={"org": org.pk})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        target = org_get_for_user(user=request.user, org_id=data.pop("org").pk, for_write=True)
        created = call_service(
            form, lambda: services.sanxin_org_create(actor=request.user, org=target, **data)
        )
        if created is not None:
            messages.success(request, _("已登记"))
            return redirect("sanxin:detail", sanxin_org_id=created.pk)
    return render(request, "sanxin/form.html", {"form": form, "title": _("登记三新组织")})


@login_required
@require_http_methods(["GET", "POST"])
def sanxin_org_edit(request: AuthedRequest, sanxin_org_id: int) -> HttpResponse:
    sanxin_org = selectors.sanxin_org_get_for_user(
        user=request.user, sanxin_org_id=sanxin_org_id, for_write=True
    )
    form = forms.SanxinOrgEditForm(
        request.POST or None, user=request.user, editing=True, initial=_org_initial(sanxin_org)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form,
            lambda: services.sanxin_org_update(actor=request.user, sanxin_org=sanxin_org, **data),
        )
        if saved is not None:
            messages.success(request, _("已保存"))
            return redirect("sanxin:detail", sanxin_org_id=sanxin_org.pk)
    context = {"form": form, "title": _("修改三新组织"), "sanxin_org": sanxin_org}
    return render(request, "sanxin/form.html", context)


def _label(field: str) -> Any:
    """A history key as the page shows it: the field's Chinese name."""
    for model in (SanxinOrg, SanxinWorker):
        try:
            return getattr(model._meta.get_field(field), "verbose_name", field)
        except FieldDoesNotExist:
            continue
    return field


@login_required
@require_GET
def sanxin_org_detail(request: AuthedRequest, sanxin_org_id: int) -> HttpResponse:
    sanxin_org = selectors.sanxin_org_get_for_user(user=request.user, sanxin_org_id=sanxin_org_id)
    workers = selectors.sanxin_worker_list(user=request.user, sanxin_org=sanxin_org, current=False)
    context = {
        "o": sanxin_org,
        "workers": workers,
        "women": [w for w in workers if w.left_on is None and w.person.gender == "F"],
        "history": [
            (c, [(_label(k), c.old.get(k), v) for k, v in c.new.items() if c.old.get(k) != v])
            for c in selectors.sanxin_org_history(sanxin_org=sanxin_org)
        ],
        "may_write": may_write_at(user=request.user, org=sanxin_org.org),
        "establish_form": forms.EstablishForm(
            initial={
                "name": _("%(name)s妇联") % {"name": sanxin_org.name},
                "established_on": timezone.localdate(),
            }
        ),
        "leave_form": forms.LeaveForm(auto_id=False, initial={"left_on": timezone.localdate()}),
    }
    return render(request, "sanxin/detail.html", context)


@login_required
@require_POST
def sanxin_org_establish(request: AuthedRequest, sanxin_org_id: int) -> HttpResponse:
    sanxin_org = selectors.sanxin_org_get_for_user(
        user=request.user, sanxin_org_id=sanxin_org_id, for_write=True
    )
    form = forms.EstablishForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            lambda: services.sanxin_establish_federation(
                actor=request.user, sanxin_org=sanxin_org, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("已建立妇联组织"))
            return redirect("sanxin:detail", sanxin_org_id=sanxin_org.pk)
    for errors in form.errors.values():
        messages.error(request, "；".join(str(e) for e in errors))
    return redirect("sanxin:detail", sanxin_org_id=sanxin_org.pk)


@login_required
@require_http_methods(["GET", "POST"])
def sanxin_worker_add(request: AuthedRequest, sanxin_org_id: int) -> HttpResponse:
    sanxin_org = selectors.sanxin_org_get_for_user(
        user=request.user, sanxin_org_id=sanxin_org_id, for_write=True
    )
    form = forms.WorkerForm(
        request.POST or None, user=request.user, initial={"joined_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        added = call_service(
            form,
            lambda: workers.sanxin_worker_add(actor=request.user, sanxin_org=sanxin_org, **kwargs),
        )
        if added is not None:
            messages.success(request, _("已加入工作者库"))
            return redirect("sanxin:detail", sanxin_org_id=sanxin_org.pk)
    return render(request, "sanxin/worker_form.html", {"form": form, "o": sanxin_org})


@login_required
@require_POST
def sanxin_worker_leave(request: AuthedRequest, worker_id: int) -> HttpResponse:
    worker = selectors.sanxin_worker_get_for_user(
        user=request.user, worker_id=worker_id, for_write=True
    )
    form = forms.LeaveForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            lambda: workers.sanxin_worker_leave(
                actor=request.user, worker=worker, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("已登记离开"))
            return redirect("sanxin:detail", sanxin_org_id=worker.sanxin_org_id)
    for errors in form.errors.values():
        messages.error(request, "；".join(str(e) for e in errors))
    return redirect("sanxin:detail", sanxin_org_id=worker.sanxin_org_id)


def _worker_filters(request: AuthedRequest) -> dict[str, Any]:
    return {
        "org": org_param(request),
        "women": request.GET.get("women") == "1",
        "query": request.GET.get("q", "").strip()[:50],
    }


@login_required
@require_GET
def sanxin_worker_list(request: AuthedRequest) -> HttpResponse:
    """The worker base (工作者库); with ?women=1 the women roster (女性名册)."""
    _business(request)
    filters = _worker_filters(request)
    rows = selectors.sanxin_worker_list(user=request.user, **filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "export_query": request.GET.urlencode()}
    template = (
        "sanxin/worker_rows.html" if request.headers.get("HX-Request") else "sanxin/workers.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def sanxin_worker_export(request: AuthedRequest) -> HttpResponse:
    """The worker base or women roster as Excel: no ID numbers; phones masked."""
    _business(request)
    filters = _worker_filters(request)
    workers = selectors.sanxin_worker_list(user=request.user, **filters)
    name = _("三新领域女性名册") if filters["women"] else _("三新工作者库")
    return xlsx_download(
        actor=request.user,
        action="sanxin.export_women" if filters["women"] else "sanxin.export_workers",
        filename=name,
        columns=WORKER_COLUMNS,
        records=workers.iterator(chunk_size=500),
        note=request.GET.urlencode(),
    )


@login_required
@require_GET
def exemplary_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    org = org_param(request)
    ids_q = None
    target_id = int_param(request.GET, "target")
    if target_id is not None:
        target = selectors.sanxin_target_get_for_user(user=request.user, target_id=target_id)
        if target.metric != SanxinTarget.Metric.WOMEN:
            raise Http404
        ids_q = selectors.target_records_q(target=target)
    rows = selectors.exemplary_list(user=request.user, org=org, current=ids_q is None, ids_q=ids_q)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "org": org,
        "delist_form": forms.DelistForm(
            auto_id=False, initial={"delisted_on": timezone.localdate()}
        ),
    }
    return render(request, "sanxin/exemplary.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def exemplary_add(request: AuthedRequest) -> HttpResponse:
    if not request.user.can_write:
        raise PermissionDenied
    form = forms.ExemplaryForm(
        request.POST or None, user=request.user, initial={"listed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = org_get_for_user(user=request.user, org_id=data.pop("org").pk, for_write=True)
        added = call_service(
            form, lambda: services.exemplary_add(actor=request.user, org=org, **data)
        )
        if added is not None:
            messages.success(request, _("已列入优秀女性名册"))
            return redirect(f"{reverse('sanxin:exemplary')}?org={org.pk}")
    return render(request, "sanxin/exemplary_form.html", {"form": form})


@login_required
@require_POST
def exemplary_delist(request: AuthedRequest, exemplary_id: int) -> HttpResponse:
    row = selectors.exemplary_get_for_user(
        user=request.user, exemplary_id=exemplary_id, for_write=True
    )
    form = forms.DelistForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            lambda: services.exemplary_delist(
                actor=request.user,
                exemplary=row,
                delisted_on=data["delisted_on"],
                reason=data["reason"],
            ),
        )
        if done is not None:
            messages.success(request, _("已出册"))
    for errors in form.errors.values():
        messages.error(request, "；".join(str(e) for e in errors))
    return redirect(f"{reverse('sanxin:exemplary')}?org={row.org_id}")


@login_required
@require_GET
def target_list(request: AuthedRequest) -> HttpResponse:
    _business(request)
    org = org_param(request)
    rows = selectors.target_list(user=request.user, org=org)
    return render(request, "sanxin/targets.html", {"org": org, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request: AuthedRequest) -> HttpResponse:
    if not request.user.can_write:
        raise PermissionDenied
    form = forms.TargetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = org_get_for_user(user=request.user, org_id=data.pop("org").pk, for_write=True)
        created = call_service(
            form, lambda: targets.sanxin_target_create(actor=request.user, org=org, **data)
        )
        if created is not None:
            messages.success(request, _("已设定目标"))
            return redirect(f"{reverse('sanxin:targets')}?org={org.pk}")
    return render(request, "sanxin/form.html", {"form": form, "title": _("设定三新工作目标")})


@login_required
@require_GET
def sanxin_figures(request: AuthedRequest) -> HttpResponse:
    _business(request)
    org = org_param(request)
    start, end = period_params(request.GET)
    figures = selectors.sanxin_figures(user=request.user, org=org, start=start, end=end)
    context = {"org": org, "start": start, "end": end, "figures": figures}
    return render(request, "sanxin/figures.html", context)

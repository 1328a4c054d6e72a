"""Pages of allowances: the policy, statements and their lines. Same shape as
jinguo.assessments.views: parse → fetch-and-check → service → render/redirect."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.assessments import allowances, forms, selectors
from jinguo.assessments.exports import LINE_COLUMNS, lines_with_totals
from jinguo.assessments.models import (
    AllowanceStatement,
)
from jinguo.assessments.views import _errors_to_messages, _run, _scoped
from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.common.params import (
    date_param,
    int_param,
    org_param,
)
from jinguo.common.xlsx import xlsx_download
from jinguo.orgs.selectors import may_write_at


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: AuthedRequest) -> HttpResponse:
    org = org_param(request, for_write=request.method == "POST")
    current = allowances.policy_for(org=org)
    initial = {
        "annual_amount": current.annual_amount,
        "daily_amount": current.daily_amount,
        "max_days_per_month": current.max_days_per_month,
    }
    form = forms.PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, lambda: allowances.policy_save(actor=request.user, org=org, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, _("补贴标准已保存"))
            return redirect(f"{request.path}?org={org.pk}")
    inherited = current.pk is not None and current.org_id != org.pk
    context = {"org": org, "form": form, "current": current, "inherited": inherited}
    return render(request, "assessments/policy.html", context)


@login_required
@require_GET
def statement_list(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    page = Paginator(selectors.statement_list(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "assessments/statement_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def statement_create(request: AuthedRequest) -> HttpResponse:
    if not request.user.can_write:
        raise PermissionDenied
    today = timezone.localdate()
    initial = {"start": today.replace(month=1, day=1), "end": today.replace(month=12, day=31)}
    form = forms.StatementForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        statement = call_service(
            form, lambda: allowances.statement_create(actor=request.user, **form.cleaned_data)
        )
        if statement is not None:
            return redirect("assessments:statement_detail", statement_id=statement.pk)
    return render(request, "assessments/statement_form.html", {"form": form})


@login_required
@require_GET
def statement_detail(request: AuthedRequest, statement_id: int) -> HttpResponse:
    statement = selectors.statement_get_for_user(user=request.user, statement_id=statement_id)
    lines = selectors.line_list(user=request.user, statement=statement)
    may_write = may_write_at(user=request.user, org=statement.org)
    context = {
        "statement": statement,
        "lines": lines,
        "totals": selectors.line_totals(lines),
        "history": selectors.statement_history(statement=statement),
        "may_write": may_write,
        "adjust_form": forms.AdjustForm(statement=statement)
        if may_write and statement.status != AllowanceStatement.Status.DRAFT
        else None,
    }
    return render(request, "assessments/statement_detail.html", context)


STATEMENT_ACTIONS = {
    "generate": (allowances.statement_generate, _("已重新生成")),
    "confirm": (allowances.statement_confirm, _("已确认")),
    "pay": (allowances.statement_mark_paid, _("已标记发放")),
}


@login_required
@require_POST
def statement_action(request: AuthedRequest, statement_id: int, action: str) -> HttpResponse:
    if action not in STATEMENT_ACTIONS:
        raise Http404
    statement = selectors.statement_get_for_user(
        user=request.user, statement_id=statement_id, for_write=True
    )
    service, done = STATEMENT_ACTIONS[action]
    _run(request, lambda: service(actor=request.user, statement=statement), str(done))
    return redirect("assessments:statement_detail", statement_id=statement.pk)


@login_required
@require_POST
def statement_adjust(request: AuthedRequest, statement_id: int) -> HttpResponse:
    statement = selectors.statement_get_for_user(
        user=request.user, statement_id=statement_id, for_write=True
    )
    form = forms.AdjustForm(request.POST, statement=statement)
    if form.is_valid():
        _run(
            request,
            lambda: allowances.statement_adjust(
                actor=request.user,
                statement=statement,
                person=form.cleaned_data["person"],
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data.get("reason") or "",
            ),
            _("已添加更正行"),
        )
    else:
        _errors_to_messages(request, form)
    return redirect("assessments:statement_detail", statement_id=statement.pk)


@login_required
@require_GET
def statement_export(request: AuthedRequest, statement_id: int) -> HttpResponse:
    """For finance: names, posts, units and amounts only (no ID or bank numbers)."""
    statement = selectors.statement_get_for_user(user=request.user, statement_id=statement_id)
    lines = selectors.line_list(user=request.user, statement=statement)
    return xlsx_download(
        actor=request.user,
        action="assessments.allowance_export",
        filename=_("补贴发放表"),
        columns=LINE_COLUMNS,
        records=lines_with_totals(lines.iterator(), selectors.line_totals(lines)),
        note=f"statement={statement.pk}",
    )


def _line_filters(request: AuthedRequest) -> dict[str, Any]:
    params = request.GET
    return {
        "org": org_param(request) if int_param(params, "org") else None,
        "start": date_param(params, "start"),
        "end": date_param(params, "end"),
        "counted": params.get("counted") == "1",
        "paid_only": params.get("paid") == "1",
    }


@login_required
@require_GET
def line_list(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    lines = selectors.line_list(user=request.user, **_line_filters(request))
    page = Paginator(lines, 100).get_page(request.GET.get("page"))
    context = {"page": page, "totals": selectors.line_totals(lines), "params": request.GET}
    return render(request, "assessments/line_list.html", context)


@login_required
@require_GET
def line_export(request: AuthedRequest) -> HttpResponse:
    _scoped(request)
    lines = selectors.line_list(user=request.user, **_line_filters(request))
    return xlsx_download(
        actor=request.user,
        action="assessments.allowance_export",
        filename=_("补贴明细"),
        columns=LINE_COLUMNS,
        records=lines_with_totals(lines.iterator(), selectors.line_totals(lines)),
        note=request.GET.urlencode(),
    )

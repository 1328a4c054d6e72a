from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from jinguo.accounts.roles import Role
from jinguo.audit.exports import audit_events_xlsx
from jinguo.audit.forms import AuditFilterForm
from jinguo.audit.selectors import AuditFilter, audit_event_list
from jinguo.audit.services import audit_record
from jinguo.common.http import AuthedRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request: AuthedRequest) -> tuple[AuditFilterForm, AuditFilter]:
    if request.user.role != Role.AUDIT_ADMIN:
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, AuditFilter(**{k: v for k, v in data.items() if v})


@login_required
@require_GET
def audit_list(request: AuthedRequest) -> HttpResponse:
    form, filters = _filters(request)
    events = audit_event_list(user=request.user, filters=filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"form": form, "page": page})


@login_required
@require_GET
def audit_export(request: AuthedRequest) -> HttpResponse:
    _form, filters = _filters(request)
    content, rows = audit_events_xlsx(audit_event_list(user=request.user, filters=filters))
    audit_record(actor=request.user, action="audit.export", note=f"{rows} rows; {filters}")
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response

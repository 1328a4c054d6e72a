"""The report templates page (/reports/templates/): what a template may use, the sample, and for
the writers of a city or county their unit's templates: upload, activate, deactivate,
download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.orgs.selectors import may_write_at, user_org
from jinguo.reports import selectors, services
from jinguo.reports.forms import TemplateUploadForm
from jinguo.reports.sections import dashboard_sections
from jinguo.reports.template_sample import sample_template_docx
from jinguo.reports.templating import CONTEXT_VARIABLES, HELP_FIGURES, HELP_TAGS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _figure_keys(request: AuthedRequest) -> list[tuple[str, str, str]]:
    """(key, label, unit) of every figure a template may print."""
    today = timezone.localdate()
    org = user_org(request.user)
    return [
        (f.key, str(f.label), str(f.unit))
        for section in dashboard_sections(user=request.user, org=org, start=today, end=today)
        for f in section.figures
    ]


@login_required
@require_http_methods(["GET", "POST"])
def template_index(request: AuthedRequest) -> HttpResponse:
    org = user_org(request.user)
    owner = org.kind in selectors.TEMPLATE_KINDS
    writer = owner and may_write_at(user=request.user, org=org)
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not writer:
            raise PermissionDenied
        if form.is_valid():
            data, upload = form.cleaned_data, form.cleaned_data["file"]
            done = call_service(
                form,
                lambda: services.template_upload(
                    actor=request.user,
                    org=org,
                    name=data["name"],
                    content=upload.read(),
                    filename=upload.name or "",
                    activate=data["activate"],
                ),
            )
            if done is not None:
                messages.success(request, _("模板已上传。"))
                return redirect("reports:templates")
    context = {
        "org": org,
        "owner": owner,
        "writer": writer,
        "form": form,
        "templates": selectors.template_list(org=org) if owner else [],
        "in_effect": selectors.template_for_org(org=org),
        "history": selectors.template_history(org=org)[:20] if owner else [],
        "variables": CONTEXT_VARIABLES,
        "help_tags": HELP_TAGS,
        "help_figures": HELP_FIGURES,
        "figures": _figure_keys(request),
    }
    return render(request, "reports/templates.html", context)


@login_required
@require_GET
def template_sample(request: AuthedRequest) -> HttpResponse:
    response = HttpResponse(sample_template_docx(), content_type=DOCX)
    response["Content-Disposition"] = 'attachment; filename="report-template-sample.docx"'
    return response


@login_required
@require_GET
def template_file(request: AuthedRequest, template_id: int) -> FileResponse:
    template = selectors.template_get_for_user(user=request.user, template_id=template_id)
    return FileResponse(
        template.file.open("rb"),
        as_attachment=True,
        filename=f"{template.name}.docx",
        content_type=DOCX,
    )


@login_required
@require_POST
def template_activate(request: AuthedRequest, template_id: int) -> HttpResponse:
    template = selectors.template_get_for_user(
        user=request.user, template_id=template_id, for_write=True
    )
    services.template_activate(actor=request.user, template=template)
    messages.success(request, _("已启用，本单位及下级单位的工作总结 Word 版将套用此模板。"))
    return redirect("reports:templates")


@login_required
@require_POST
def template_deactivate(request: AuthedRequest, template_id: int) -> HttpResponse:
    template = selectors.template_get_for_user(
        user=request.user, template_id=template_id, for_write=True
    )
    services.template_deactivate(actor=request.user, template=template)
    messages.success(request, _("已停用，工作总结 Word 版恢复使用上级单位的模板或系统内置版式。"))
    return redirect("reports:templates")

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from jinguo.audit.services import audit_record
from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.imports import exports, preview, selectors, services
from jinguo.imports.forms import ExportForm, ImportUploadForm
from jinguo.imports.mapping_forms import MappingForm
from jinguo.imports.models import ImportJob
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import org_get_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_importer(request: AuthedRequest) -> None:
    if not services.may_import(request.user):
        raise PermissionDenied


def _kind(kind: str) -> str:
    if kind not in ImportJob.Kind.values:
        raise Http404
    return kind


def _org_param(request: AuthedRequest, *, for_write: bool) -> OrgUnit:
    raw = request.GET.get("org") or str(request.user.org_id or "")
    if not raw.isdigit():
        raise Http404
    return org_get_for_user(user=request.user, org_id=int(raw), for_write=for_write)


def _xlsx(file: object, filename: str) -> FileResponse:
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX)


@login_required
@require_GET
def job_list(request: AuthedRequest) -> HttpResponse:
    _require_importer(request)
    page = Paginator(selectors.import_job_list(user=request.user), 50)
    return render(request, "imports/list.html", {"page": page.get_page(request.GET.get("page"))})


@login_required
@require_http_methods(["GET", "POST"])
def job_new(request: AuthedRequest) -> HttpResponse:
    _require_importer(request)
    org = _org_param(request, for_write=True)
    initial = {"kind": request.GET.get("kind", ImportJob.Kind.HOUSEHOLDS)}
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = call_service(
            form,
            lambda: services.import_job_create(
                actor=request.user, org=org, kind=data["kind"], upload=data["file"], review=True
            ),
        )
        if job is not None:
            return redirect("imports:detail", job.pk)
    context = {"org": org, "form": form, "export_form": ExportForm(), "kinds": ImportJob.Kind}
    return render(request, "imports/new.html", context)


@login_required
@require_GET
def job_detail(request: AuthedRequest, job_id: int) -> HttpResponse:
    _require_importer(request)
    job = selectors.import_job_get_for_user(user=request.user, job_id=job_id)
    fragment = request.headers.get("HX-Request")
    template = "imports/job_progress.html" if fragment else "imports/job.html"
    return render(request, template, {"job": job})


@login_required
@require_http_methods(["GET", "POST"])
def job_mapping(request: AuthedRequest, job_id: int) -> HttpResponse:
    """The file's columns and unmatched values, the suggestions preselected; POST confirms."""
    _require_importer(request)
    job = selectors.import_job_get_for_user(user=request.user, job_id=job_id)
    if job.status != ImportJob.Status.MAPPING:
        return redirect("imports:detail", job.pk)
    form = MappingForm(request.POST or None, job=job, targets=preview.value_targets(job))
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            lambda: services.import_job_confirm_mapping(
                job=job, actor=request.user, columns=form.columns(), values=form.values()
            ),
        )
        if done is not None:
            return redirect("imports:detail", job.pk)
    return render(request, "imports/mapping.html", {"job": job, "form": form})


@login_required
@require_GET
def job_errors(request: AuthedRequest, job_id: int) -> FileResponse:
    _require_importer(request)
    job = selectors.import_job_get_for_user(user=request.user, job_id=job_id)
    if not job.error_file:
        raise Http404
    # The error workbook repeats the uploaded rows, personal numbers included.
    audit_record(actor=request.user, action="import.errors_download", target=job)
    return _xlsx(job.error_file.open("rb"), f"import-{job.pk}-errors.xlsx")


@login_required
@require_GET
def template_download(request: AuthedRequest, kind: str) -> FileResponse:
    _require_importer(request)
    return _xlsx(exports.template(_kind(kind)), f"{kind}-template.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def export_download(request: AuthedRequest, kind: str) -> HttpResponse | FileResponse:
    """GET: the roster with numbers masked. POST: with «导出完整号码» ticked and a reason."""
    org = _org_param(request, for_write=False)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not form.is_valid():
        return render(
            request, "imports/export_refused.html", {"org": org, "form": form}, status=400
        )
    data = form.cleaned_data if form.is_bound else {}
    result = call_service(
        form,
        lambda: services.roster_export(
            actor=request.user,
            org=org,
            kind=_kind(kind),
            full_numbers=bool(data.get("full_numbers")),
            purpose=data.get("purpose", ""),
            reason=data.get("reason", ""),
        ),
    )
    if result is None:
        # A role that may not export full numbers is refused; a purpose or explanation that
        # falls short is bad input.
        status = 403 if form.has_error("full_numbers") else 400
        return render(
            request, "imports/export_refused.html", {"org": org, "form": form}, status=status
        )
    target, _rows = result
    return _xlsx(target, f"{kind}-{org.code or org.pk}.xlsx")

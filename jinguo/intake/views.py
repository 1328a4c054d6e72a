"""有事您说话. Public pages (no login): the form behind a point's QR code and the receipt page
where the resident follows and rates her submission. Staff pages: the points of a unit, each
with its QR code. Points and orgs come through fetch-and-check: out of scope is a 404."""

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jinguo.audit.middleware import client_ip
from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.intake import selectors, services
from jinguo.intake.forms import RatingForm, SubmissionForm
from jinguo.intake.models import IntakePoint
from jinguo.intake.status import plain_status
from jinguo.orgs.selectors import org_get_for_user
from jinguo.people.masking import mask_phone


def submit(request: HttpRequest, token: str) -> HttpResponse:
    point = selectors.point_get_public(token=token)
    form = SubmissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission = call_service(
                form,
                lambda: services.submission_file(
                    point=point, ip=client_ip(request), **form.service_kwargs()
                ),
            )
        except services.RateLimited as exc:
            return render(request, "intake/limited.html", {"message": str(exc)}, status=429)
        if submission is not None:
            return redirect("intake:receipt", receipt=submission.receipt)
    status = 400 if request.method == "POST" else 200
    return render(request, "intake/submit.html", {"point": point, "form": form}, status=status)


def receipt(request: HttpRequest, receipt: str) -> HttpResponse:
    submission = selectors.submission_get_by_receipt(receipt=receipt)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            lambda: services.submission_rate(
                submission=submission,
                rating=form.cleaned_data["rating"],
                note=form.cleaned_data["note"],
            ),
        )
        if done is not None:
            messages.success(request, _("谢谢您的评价"))
            return redirect("intake:receipt", receipt=receipt)
    context = {
        "submission": submission,
        "status": plain_status(submission),
        "phone": mask_phone(submission.phone),
        "form": form,
    }
    return render(request, "intake/receipt.html", context)


def _public_url(request: HttpRequest, point: IntakePoint) -> str:
    return request.build_absolute_uri(reverse("intake:submit", args=[point.token]))


@login_required
@require_GET
def points(request: AuthedRequest) -> HttpResponse:
    org_id = request.GET.get("org", "") or str(request.user.org_id or "")
    if not org_id.isdigit():
        raise Http404
    org = org_get_for_user(user=request.user, org_id=int(org_id))
    rows = [
        (p, segno.make(_public_url(request, p), error="m").svg_inline(scale=3))
        for p in selectors.point_list(user=request.user, org=org)
    ]
    return render(request, "intake/points.html", {"org": org, "rows": rows})


@login_required
@require_POST
def point_create(request: AuthedRequest) -> HttpResponse:
    org_id = request.POST.get("org", "")
    if not org_id.isdigit():
        raise Http404
    org = org_get_for_user(user=request.user, org_id=int(org_id), for_write=True)
    try:
        services.intake_point_create(actor=request.user, org=org)
    except services.ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(f"{reverse('intake:points')}?org={org.pk}")


@login_required
@require_GET
def point_qr(request: AuthedRequest, point_id: int, fmt: str) -> HttpResponse:
    if fmt not in ("png", "svg"):
        raise Http404
    point = selectors.point_get_for_user(user=request.user, point_id=point_id)
    qr = segno.make(_public_url(request, point), error="m")
    content_type = "image/png" if fmt == "png" else "image/svg+xml"
    buffer = io.BytesIO()
    qr.save(buffer, kind=fmt, scale=10, border=4)
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="intake-{point.pk}.{fmt}"'
    return response

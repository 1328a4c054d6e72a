"""Pages of notices: the received and sent lists, a new notice, a notice (opening it as one of
a target unit marks it read for her unit; its sender sees the receipts per unit, with a
reminder for the units that have not read it) and its attachments, served in clear to those
who may see the notice (the stored files are encrypted)."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.notices import forms, selectors, services
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import may_write_at

LIST_SIZE = 100


def business_org(request: AuthedRequest) -> OrgUnit:
    """The user's unit; 403 for an account without one (the three administrators)."""
    if request.user.org is None or not request.user.has_business_scope:
        raise PermissionDenied
    return request.user.org


def may_send(request: AuthedRequest, org: OrgUnit) -> bool:
    return may_write_at(user=request.user, org=org, cadre_only=True)


@login_required
@require_GET
def notice_list(request: AuthedRequest) -> HttpResponse:
    org = business_org(request)
    tab = "sent" if request.GET.get("tab") == "sent" else "received"
    user = request.user
    notices = (
        selectors.notices_sent(user=user)
        if tab == "sent"
        else selectors.notices_received(user=user)
    )
    context = {"tab": tab, "notices": notices[:LIST_SIZE], "may_send": may_send(request, org)}
    return render(request, "notices/notice_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request: AuthedRequest) -> HttpResponse:
    org = business_org(request)
    if not may_send(request, org):
        raise PermissionDenied
    form = forms.NoticeForm(request.POST or None, request.FILES or None, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        notice = call_service(
            form,
            lambda: services.notice_send(
                actor=request.user,
                org=org,
                title=data["title"],
                body=data["body"],
                audience=data["audience"],
                level=data["level"],
                units=list(data["units"]),
                attachments=data["attachments"],
            ),
        )
        if notice is not None:
            messages.success(request, _("通知已发送。"))
            return redirect("notices:detail", notice_id=notice.pk)
    return render(request, "notices/notice_form.html", {"form": form})


@login_required
@require_GET
def notice_detail(request: AuthedRequest, notice_id: int) -> HttpResponse:
    user = request.user
    notice = selectors.notice_get_for_user(user=user, notice_id=notice_id)
    services.notice_read(notice=notice, user=user)
    state = request.GET.get("state", "")
    context = {
        "notice": notice,
        "mine": selectors.notice_target_of(user=user, notice=notice),
        "attachments": selectors.notice_attachments(notice=notice),
        "sender": may_write_at(user=user, org=notice.org, cadre_only=True),
        "receipts": selectors.notice_receipts(
            user=user, notice=notice, state=state, page=request.GET.get("page")
        ),
        "history": selectors.notice_history(notice=notice)[:20],
    }
    return render(request, "notices/notice_detail.html", context)


@login_required
@require_POST
def notice_remind(request: AuthedRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get_for_user(user=request.user, notice_id=notice_id, for_write=True)
    try:
        count = services.notice_remind(actor=request.user, notice=notice)
        messages.success(request, _("已提醒%(n)s个未读单位。") % {"n": count})
    except ValidationError as exc:
        messages.info(request, "；".join(exc.messages))
    return redirect("notices:detail", notice_id=notice.pk)


def serve_file(field: object, name: str) -> FileResponse:
    try:
        handle = field.open("rb")  # type: ignore[attr-defined]
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=PurePath(name).name)
    response["Cache-Control"] = "private, max-age=600"
    return response


@login_required
@require_GET
def attachment(request: AuthedRequest, attachment_id: int) -> FileResponse:
    """A notice's attachment, for those who may see the notice (404 otherwise)."""
    found = selectors.attachment_get_for_user(user=request.user, attachment_id=attachment_id)
    return serve_file(found.file, found.name)

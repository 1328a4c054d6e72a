"""Pages of tasks: the recipient's list (her tasks and her unit's report rounds together), the
sent list, a new task, a task (its sender sees done / late / not started per recipient with
their returns; a recipient returns it), reopening a return, reminding, closing, and the
returns' photos (served in clear to those who may see the return)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.common.forms import add_service_errors, call_service
from jinguo.common.http import AuthedRequest
from jinguo.notices import forms, selectors, task_services
from jinguo.notices.models import Task, TaskRecipient
from jinguo.notices.records import record_choices, record_links
from jinguo.notices.views import LIST_SIZE, business_org, may_send, serve_file
from jinguo.orgs.selectors import may_write_at


@login_required
@require_GET
def task_list(request: AuthedRequest) -> HttpResponse:
    org = business_org(request)
    tab = "sent" if request.GET.get("tab") == "sent" else "mine"
    context = {
        "tab": tab,
        "items": selectors.task_items(user=request.user, limit=LIST_SIZE) if tab == "mine" else [],
        "tasks": selectors.tasks_sent(user=request.user)[:LIST_SIZE] if tab == "sent" else [],
        "may_send": may_send(request, org),
    }
    return render(request, "notices/task_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: AuthedRequest) -> HttpResponse:
    org = business_org(request)
    if not may_send(request, org):
        raise PermissionDenied
    form = forms.TaskForm(request.POST or None, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        task = call_service(
            form,
            lambda: task_services.task_create(
                actor=request.user,
                org=org,
                title=data["title"],
                body=data["body"],
                deadline=data["deadline"],
                audience=data["audience"],
                level=data["level"],
                units=list(data["units"]),
                people=list(data["people"]),
                photos=data["photos"],
            ),
        )
        if task is not None:
            messages.success(request, _("任务已发布。"))
            return redirect("notices:task", task_id=task.pk)
    return render(request, "notices/task_form.html", {"form": form})


def _return_form(
    request: AuthedRequest, mine: TaskRecipient | None, data: bool = False
) -> forms.ReturnForm | None:
    if mine is None or not task_services.may_return(user=request.user, recipient=mine):
        return None
    if mine.status != TaskRecipient.Status.PENDING or mine.task.status != Task.Status.OPEN:
        return None
    choices = record_choices(user=request.user)
    photos = mine.task.photos != Task.Photos.NONE
    if data:
        return forms.ReturnForm(request.POST, request.FILES, choices=choices, photos=photos)
    return forms.ReturnForm(choices=choices, photos=photos)


def _detail(
    request: AuthedRequest, task: Task, form: forms.ReturnForm | None = None
) -> HttpResponse:
    user = request.user
    mine = selectors.my_recipient_of(user=user, task=task)
    if mine is not None:
        mine.task = task
    receipts = selectors.task_receipts(
        user=user, task=task, state=request.GET.get("state", ""), page=request.GET.get("page")
    )
    rows = list(receipts.page.object_list)
    photos = selectors.photos_of([r.pk for r in rows] + ([mine.pk] if mine else []))
    context = {
        "task": task,
        "mine": mine,
        "mine_state": selectors.recipient_state(mine) if mine else "",
        "mine_links": record_links(mine.records) if mine else [],
        "form": form or _return_form(request, mine),
        "sender": may_write_at(user=user, org=task.org, cadre_only=True),
        "receipts": receipts,
        "rows": [(r, photos.get(r.pk, []), record_links(r.records)) for r in rows],
        "mine_photos": photos.get(mine.pk, []) if mine else [],
        "reason_form": forms.ReasonForm(),
        "history": selectors.task_history(task=task)[:20],
    }
    return render(request, "notices/task_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get_for_user(user=request.user, task_id=task_id)
    if request.method != "POST":
        return _detail(request, task)
    mine = selectors.my_recipient_of(user=request.user, task=task)
    if mine is None or not task_services.may_return(user=request.user, recipient=mine):
        raise PermissionDenied
    mine.task = task
    form = _return_form(request, mine, data=True)
    if form is None:
        messages.info(request, _("该任务无需反馈。"))
        return redirect("notices:task", task_id=task.pk)
    if form.is_valid():
        try:
            task_services.task_return(
                actor=request.user,
                recipient=mine,
                text=form.cleaned_data["text"],
                records=form.links(),
                photos=form.cleaned_data.get("photos") or [],
            )
            messages.success(request, _("已反馈完成。"))
            return redirect("notices:task", task_id=task.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _detail(request, task, form)


@login_required
@require_POST
def recipient_reopen(request: AuthedRequest, recipient_id: int) -> HttpResponse:
    recipient = selectors.recipient_get_for_user(user=request.user, recipient_id=recipient_id)
    if not may_write_at(user=request.user, org=recipient.task.org, cadre_only=True):
        raise PermissionDenied
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        task_services.task_reopen(actor=request.user, recipient=recipient, reason=reason)
        messages.success(request, _("已退回，请承办方重新办理。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("notices:task", task_id=recipient.task_id)


@login_required
@require_POST
def task_remind(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get_for_user(user=request.user, task_id=task_id, for_write=True)
    try:
        count = task_services.task_remind(actor=request.user, task=task)
        messages.success(request, _("已催办%(n)s个未完成的承办方。") % {"n": count})
    except ValidationError as exc:
        messages.info(request, "；".join(exc.messages))
    return redirect("notices:task", task_id=task.pk)


@login_required
@require_POST
def task_close(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get_for_user(user=request.user, task_id=task_id, for_write=True)
    if task.status == Task.Status.OPEN:
        task_services.task_close(actor=request.user, task=task)
        messages.success(request, _("任务已结束。"))
    return redirect("notices:task", task_id=task.pk)


@login_required
@require_GET
def task_photo(request: AuthedRequest, photo_id: int) -> FileResponse:
    photo = selectors.task_photo_get_for_user(user=request.user, photo_id=photo_id)
    if not photo.file:
        raise Http404
    return serve_file(photo.file, photo.file.name)

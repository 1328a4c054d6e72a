"""The inbox pages: her messages (newest first), opening one (read, then its page), marking all
read, and her choice of channels and quiet hours. The 三员 have no inbox (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinguo.common.forms import call_service
from jinguo.common.http import AuthedRequest
from jinguo.inbox import forms, selectors, services
from jinguo.inbox.backends import channel_on

PER_PAGE = 20


def _own(request: AuthedRequest) -> None:
    if not request.user.has_business_scope:
        raise PermissionDenied


def local_path(link: str) -> bool:
    """A path of this site, never another host (no open redirect)."""
    return link.startswith("/") and url_has_allowed_host_and_scheme(
        link, allowed_hosts=None, require_https=False
    )


@login_required
@require_GET
def inbox_list(request: AuthedRequest) -> HttpResponse:
    _own(request)
    page = Paginator(selectors.inbox_list(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "inbox/inbox_list.html", {"page": page})


@login_required
@require_GET
def message_open(request: AuthedRequest, message_id: int) -> HttpResponse:
    _own(request)
    message = selectors.message_get_for_user(user=request.user, message_id=message_id)
    link = services.message_open(message=message, user=request.user)
    if link and local_path(link) and not message.items:
        return redirect(link)
    items = [dict(item, safe=local_path(str(item.get("link", "")))) for item in message.items]
    context = {"message": message, "link_safe": local_path(link), "items": items}
    return render(request, "inbox/message_detail.html", context)


@login_required
@require_POST
def read_all(request: AuthedRequest) -> HttpResponse:
    _own(request)
    n = services.messages_mark_all_read(user=request.user)
    messages.success(request, _("已将 %(n)s 条消息标为已读") % {"n": n})
    return redirect("inbox:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthedRequest) -> HttpResponse:
    _own(request)
    pref = services.preference_get(user=request.user)
    form = forms.PreferenceForm(request.POST or None, initial=forms.PreferenceForm.initial_of(pref))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.PREFERENCE_FIELDS}
        done = call_service(form, lambda: services.preference_update(user=request.user, **values))
        if done is not None:
            messages.success(request, _("消息设置已保存"))
            return redirect("inbox:preferences")
    context = {
        "form": form,
        "has_phone": bool(request.user.phone),
        "sms_on": channel_on("sms"),
        "wecom_on": channel_on("wecom"),
    }
    return render(request, "inbox/preferences.html", context)

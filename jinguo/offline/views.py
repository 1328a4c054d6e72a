"""The installable app and its offline work: the manifest, the service worker (at the site's
root, so that its scope is the whole site), the two pages it answers with when there is no
network, the households snapshot the phone keeps, and the sync that stores the phone's outbox
one item at a time. Only a user who records visits (a business role that may write) gets them:
a leader reads, and the three administrators never see federation records."""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jinguo.common.http import AuthedRequest
from jinguo.households.selectors import household_get_for_user
from jinguo.offline import selectors
from jinguo.offline.forms import FIELDS, CaseItemForm, ItemForm, VisitItemForm, WishItemForm
from jinguo.offline.services import item_store

# What the service worker keeps from the first visit on: the pages' own static files.
STATIC_FILES = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "jinguo/site.css",
    "jinguo/site.js",
    "jinguo/picker.js",
    "jinguo/offline.js",
    "jinguo/icons/icon-192.png",
    "jinguo/icons/icon-512.png",
)
SW_VERSION = "1"  # raise when sw.js changes in a way its static list does not show


def _recorder(request: AuthedRequest) -> None:
    """Offline work is recording visits: a business role that may write (the 三员 and the
    read-only leaders are refused)."""
    if not (request.user.has_business_scope and request.user.can_write):
        raise PermissionDenied


def _json(status: int, body: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    icons = [
        {"src": static(f"jinguo/icons/icon-{size}.png"), "sizes": f"{size}x{size}"}
        for size in (192, 512)
    ]
    body = {
        "name": _("巾帼网格"),
        "short_name": _("巾帼网格"),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#c2185b",
        "lang": "zh-CN",
        "icons": [icon | {"type": "image/png", "purpose": "any"} for icon in icons],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/manifest+json"
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    files = [static(name) for name in STATIC_FILES]
    shells = [reverse("offline:home"), reverse("offline:household")]
    # Hashed names (production's manifest storage) change with the files: a new worker then.
    version = hashlib.sha256("|".join([SW_VERSION, *files, *shells]).encode()).hexdigest()[:12]
    context = {
        "version": version,
        "files": json.dumps(files),
        "shells": json.dumps(shells),
        # The prefix itself, not static(""): production's manifest storage has no entry for "".
        "static_prefix": json.dumps(settings.STATIC_URL),
        # Without hashed names (DEBUG) a cached file would hide an edited one: network first.
        "static_cache_first": json.dumps(not settings.DEBUG),
    }
    response = render(request, "offline/sw.js", context, content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """The page shown offline instead of any other: her households as the phone keeps them, and
    the outbox (queued and refused items, with the reasons)."""
    _recorder(request)
    return render(request, "offline/home.html")


@login_required
@require_GET
def household(request: AuthedRequest) -> HttpResponse:
    """The visit, wish and case forms for the household in ?household=, filled in by
    offline.js from the phone's copy: the page shown offline for /visits/new/?household=."""
    _recorder(request)
    context = {
        "visit": VisitItemForm(auto_id="visit_%s"),
        "wish": WishItemForm(auto_id="wish_%s"),
        "case": CaseItemForm(auto_id="case_%s"),
    }
    return render(request, "offline/household.html", context)


@login_required
@never_cache
@require_GET
def snapshot(request: AuthedRequest) -> JsonResponse:
    _recorder(request)
    signed_in = request.user.last_login or timezone.now()
    body = {
        "user": request.user.pk,
        "signed_in_at": signed_in.isoformat(),
        "saved_at": timezone.now().isoformat(),
        "csrf": get_token(request),
        "households": selectors.offline_households(user=request.user),
    }
    return _json(200, body)


def _refused(status: int, reason: str) -> JsonResponse:
    return _json(status, {"refused": True, "reason": reason})


def _reason(exc: ValidationError) -> str:
    return "；".join(str(message) for message in exc.messages)


@login_required
@require_POST
def sync(request: AuthedRequest) -> JsonResponse:
    """One outbox item: 201 stored, 200 stored before (the same client_id), 4xx refused with
    the reason she reads on her phone (the item stays there until she removes it)."""
    _recorder(request)
    try:
        body = json.loads(request.body)
    except ValueError:
        body = None
    body = body if isinstance(body, dict) else {}
    item = ItemForm(body)
    form = None
    if item.is_valid():
        fields = body.get("fields")
        form = FIELDS[item.cleaned_data["kind"]](fields if isinstance(fields, dict) else {})
    if form is None or not form.is_valid():
        return _refused(400, _form_reason(form) or _("记录内容不完整，未保存。"))
    return _store(request, item.cleaned_data, form.cleaned_data)


def _form_reason(form: Form | None) -> str:
    """The form's errors, each after its field's label (「诉求标题：该字段是必填项。」) unless
    the message names it already (「请选择走访方式：入户、电话、微信或活动。」)."""
    if form is None:
        return ""
    return "；".join(
        _labelled(str(form.fields[name].label) if name in form.fields else "", str(message))
        for name, messages in form.errors.items()
        for message in messages
    )


def _labelled(label: str, message: str) -> str:
    return message if not label or label in message else f"{label}：{message}"


def _store(request: AuthedRequest, item: dict[str, Any], fields: dict[str, Any]) -> JsonResponse:
    kind, client_id = item["kind"], item["client_id"]
    try:
        found = selectors.item_made_before(user=request.user, kind=kind, client_id=client_id)
        if found is not None:
            return _json(200, {"stored": True, "id": found.pk, "again": True})
        household = household_get_for_user(
            user=request.user, household_id=item["household"], for_write=True
        )
        record = item_store(
            actor=request.user, kind=kind, household=household, client_id=client_id, fields=fields
        )
    except Http404:
        return _refused(404, _("该户已不在您的负责范围内（可能已移交他人），这条记录未保存。"))
    except PermissionDenied:
        return _refused(403, _("您现在不能为该户记录，这条记录未保存。"))
    except ValidationError as exc:
        return _refused(400, _reason(exc))
    return _json(201, {"stored": True, "id": record.pk, "again": False})

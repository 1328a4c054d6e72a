"""Error answers: a page in the user's language with a way back, or on /api/ the API's one error
shape, {"message", "extra"} (see jinguo.common.api).

config.urls names these as handler400/403/404/500 and settings as CSRF_FAILURE_VIEW. DRF's own
views answer their errors through jinguo.common.api.exception_handler; these cover what reaches
Django: an /api/ address no route matches, an exception DRF does not handle (500), a failed CSRF
check, and every error of the pages.

The 400 and 500 pages are standalone: no request context, no database, no base.html (a 400 may
be a bad Host header that every `request.get_host()` would raise again; a 500 may be the
database itself).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_json(status: int, message: str, extra: dict[str, Any] | None = None) -> JsonResponse:
    return JsonResponse(
        {"message": message, "extra": extra or {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _back(request: HttpRequest) -> str:
    """The page she came from, when it is one of ours and not this one: the «返回上一页» link
    (a script's history.back() would need an inline script, which the CSP forbids)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        ours = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    except Exception:  # a bad Host header: no link rather than another error
        return ""
    return referer if ours and referer != request.build_absolute_uri() else ""


def _page(
    request: HttpRequest, status: int, template: str, message: str, **context: Any
) -> HttpResponse:
    context = {"status": status, "message": message, "back": _back(request), **context}
    return render(request, template, context, status=status)


def _standalone(template: str, status: int, message: str) -> HttpResponse:
    """A page rendered with no request, no context processors and no database."""
    stylesheets = []
    try:
        stylesheets = [static("vendor/bootstrap/bootstrap.min.css"), static("jinguo/site.css")]
    except Exception:  # a missing static manifest must not hide the error page
        stylesheets = []
    try:
        home = reverse("home")
    except Exception:
        home = "/"
    context = {"status": status, "message": message, "stylesheets": stylesheets, "home": home}
    return HttpResponse(loader.get_template(template).render(context), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("请求有误，系统无法处理。请检查后重试。")
    if _is_api(request):
        return error_json(400, message)
    return _standalone("400.html", 400, message)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("您没有权限查看此页面或执行此操作。")
    if _is_api(request):
        return error_json(403, message)
    return _page(request, 403, "403.html", message)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("找不到您要的页面或记录：它可能已被删除，或不在您的查看范围内。")
    if _is_api(request):
        return error_json(404, message)
    return _page(request, 404, "404.html", message)


def server_error(request: HttpRequest) -> HttpResponse:
    message = _("系统出现错误，您的操作可能没有完成。请稍后再试；如果问题持续，请联系系统管理员。")
    if _is_api(request):
        return error_json(500, message)
    return _standalone("500.html", 500, message)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent from an old page, or from another site."""
    message = _("页面已过期或安全校验未通过，请返回刷新页面后重新提交。")
    # Read by jinguo.audit.middleware.AccessDeniedAuditMiddleware for the audit row.
    request.jinguo_refusal = f"CSRF: {reason}"  # type: ignore[attr-defined]
    if _is_api(request):
        return error_json(403, message)
    return _page(request, 403, "403.html", message, csrf=True)


def too_many_requests(request: HttpRequest, message: str = "") -> HttpResponse:
    """429 for a view that limits how often something may be done."""
    message = message or _("操作过于频繁，请稍后再试。")
    if _is_api(request):
        return error_json(429, message)
    return _page(request, 429, "429.html", message)

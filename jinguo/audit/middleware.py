from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from jinguo.audit import context, services


def client_ip(request: HttpRequest) -> str | None:
    if settings.JINGUO_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # nginx appends the real peer last; earlier entries are what the client claimed.
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ctx = context.RequestContext(
            ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:200]
        )
        token = context.set_current(ctx)
        try:
            return self.get_response(request)
        finally:
            context.reset(token)


class AccessDeniedAuditMiddleware:
    """Writes refused requests to the audit log (audit_access_denied, rate-limited): every 401
    and 403, and every 404 a view answered a signed-in user — a record outside her scope answers
    404 like a missing one. A 404 for an address no route matches (a typo, a probe for
    /wp-admin/, a favicon) is not refused access and is not written, nor is a signed-out
    visitor's 404 (the business pages send her to the login page first; the public pages'
    tokens are not guessable and the public form is rate-limited on its own).

    Last in MIDDLEWARE, so it sees what the views answered (the password-expiry and second-factor
    middleware's 403s are not refusals of a record) inside RequestContextMiddleware (the client
    address)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        match = request.resolver_match
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if status in (401, 403) or (status == 404 and match is not None and signed_in):
            services.audit_access_denied(
                actor=user if signed_in else None,
                method=request.method or "",
                path=request.path,
                status=status,
                view=match.view_name if match is not None else "",
                reason=getattr(request, "jinguo_refusal", ""),
            )
        return response

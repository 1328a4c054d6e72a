from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

# Paths a user with an expired password may still reach: the change itself, leaving, assets.
_ALLOWED_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/static/", "/i18n/")


class PasswordExpiryMiddleware:
    """Sends a signed-in user whose password has expired to the change page (等保: passwords
    are changed every PASSWORD_MAX_AGE_DAYS days, and one set by an administrator at once)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and user.password_expired(timezone.now())
        ):
            message = _("您的密码已过期或由管理员设置，请先修改密码。")
            if request.path.startswith("/api/"):
                return JsonResponse({"message": message, "extra": {}}, status=403)
            messages.warning(request, message)
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)


_TOTP_ALLOWED = (
    "/accounts/totp/",
    "/accounts/logout/",
    "/accounts/password/",
    "/static/",
    "/i18n/",
)


class TotpRequiredMiddleware:
    """Administrators (三员) must enrol a second factor before anything else (等保 level 3)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.needs_totp_setup
            and not request.path.startswith(_TOTP_ALLOWED)
        ):
            message = _("管理员账号必须启用动态口令后才能继续使用系统。")
            if request.path.startswith("/api/"):
                return JsonResponse({"message": message, "extra": {}}, status=403)
            messages.warning(request, message)
            return redirect(reverse("accounts:totp"))
        return self.get_response(request)

"""Django admin, open to the system administrator (系统管理员) only."""

from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from jinguo.accounts import views as accounts_views
from jinguo.accounts.models import User


def _is_system_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.role == "system_admin")


def admin_actor(request: HttpRequest) -> User:
    """The signed-in account behind an admin page (the site lets only the system administrator
    in), typed as the User that the services take as their actor."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


class JinguoAdminSite(admin.AdminSite):
    site_header = _("巾帼网格 系统管理")
    site_title = _("巾帼网格 系统管理")
    index_title = _("系统管理")

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_system_admin(request)

    # There is one way to sign in and out: the application's own pages, with the lockout and
    # throttling, the second factor, the password age and the audit rows. The admin's login,
    # logout and password pages only send there.

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        index = reverse("admin:index", current_app=self.name)
        target = request.GET.get(REDIRECT_FIELD_NAME) or index
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = index
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(target)
            raise PermissionDenied  # signed in, but not the system administrator
        return redirect_to_login(target, reverse("accounts:login"))

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        return accounts_views.logout(request)

    def password_change(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        return redirect("accounts:password_change")

    def password_change_done(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        return redirect("home")


class SystemAdminModelAdmin(admin.ModelAdmin):
    """Permissions come from the role, not from Django's per-model permission tables."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_system_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_system_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_system_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Records are deactivated or merged, never deleted: history and the audit log point at them.
        return False


site = JinguoAdminSite(name="admin")

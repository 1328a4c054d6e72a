"""Django admin, open to the system administrator (系统管理员) only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def _is_system_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.role == "system_admin")


class JinguoAdminSite(admin.AdminSite):
    site_header = _("巾帼网格 系统管理")
    site_title = _("巾帼网格 系统管理")
    index_title = _("系统管理")

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_system_admin(request)


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

"""The organisation tree in the admin: names and codes, read-only, for picking an account's unit.

The system administrator (系统管理员) sees no federation records (三员分立): venues and everything
else kept under a unit are not here; the tree itself changes through the org pages, which keep
its history and audit log.
"""

from typing import Any

from django.http import HttpRequest

from jinguo.common.admin import SystemAdminModelAdmin, site
from jinguo.orgs.models import OrgUnit


class OrgUnitAdmin(SystemAdminModelAdmin):
    list_display = ["name", "kind", "code", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]  # the account form's unit picker searches these
    fields = ("name", "kind", "code", "parent", "is_active", "merged_into")
    readonly_fields = fields
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


site.register(OrgUnit, OrgUnitAdmin)

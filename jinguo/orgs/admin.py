from jinguo.common.admin import SystemAdminModelAdmin, site
from jinguo.orgs.models import OrgUnit, Venue


class OrgUnitAdmin(SystemAdminModelAdmin):
    """Read-only here: the tree changes through the org pages, which keep its history."""

    list_display = ["name", "kind", "code", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    readonly_fields = ["name", "kind", "code", "parent", "path", "is_active", "merged_into"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class VenueAdmin(SystemAdminModelAdmin):
    list_display = ["name", "kind", "org", "is_active"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["org"]


site.register(OrgUnit, OrgUnitAdmin)
site.register(Venue, VenueAdmin)

from jinguo.common.admin import SystemAdminModelAdmin, site
from jinguo.sanxin.models import ExemplaryWoman, SanxinOrg, SanxinTarget, SanxinWorker


class ReadOnlyAdmin(SystemAdminModelAdmin):
    """The records are written through the audited services (pages and API); the admin shows
    them to the system administrator for support, read-only."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class SanxinOrgAdmin(ReadOnlyAdmin):
    list_display = ["name", "org", "category", "sector", "federation", "is_active"]
    list_filter = ["category", "sector", "is_active"]
    search_fields = ["name", "credit_code"]
    exclude = ["contact_phone"]


class SanxinWorkerAdmin(ReadOnlyAdmin):
    list_display = ["sanxin_org", "person", "position", "joined_on", "left_on"]


class ExemplaryWomanAdmin(ReadOnlyAdmin):
    list_display = ["person", "org", "listed_on", "delisted_on"]


class SanxinTargetAdmin(ReadOnlyAdmin):
    list_display = ["title", "org", "metric", "target_value", "period_start", "deadline"]


site.register(SanxinOrg, SanxinOrgAdmin)
site.register(SanxinWorker, SanxinWorkerAdmin)
site.register(ExemplaryWoman, ExemplaryWomanAdmin)
site.register(SanxinTarget, SanxinTargetAdmin)

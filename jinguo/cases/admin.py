"""The public-holiday calendar is the one piece of the cases app in the admin: it is system
configuration (the State Council's yearly 节假日安排), holds no federation record, and every
write goes through cases.holidays, which audits it.

Case time limits (TimeLimitRule) are federation work rules and stay out (三员分立).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from jinguo.cases.holidays import holiday_delete, holiday_save
from jinguo.cases.models import Holiday
from jinguo.common.admin import SystemAdminModelAdmin, admin_actor, site


class HolidayAdmin(SystemAdminModelAdmin):
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    fields = ["date", "name", "is_workday"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A wrongly entered holiday is a calendar row, not a record history points at.
        return super().has_module_permission(request)

    def save_model(self, request: HttpRequest, obj: Holiday, form: Any, change: bool) -> None:
        holiday_save(actor=admin_actor(request), holiday=obj)

    def delete_model(self, request: HttpRequest, obj: Holiday) -> None:
        holiday_delete(actor=admin_actor(request), holiday=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Holiday]) -> None:
        for holiday in queryset:
            holiday_delete(actor=admin_actor(request), holiday=holiday)


site.register(Holiday, HolidayAdmin)

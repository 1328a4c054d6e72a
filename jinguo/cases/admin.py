from typing import Any

from django.http import HttpRequest

from jinguo.audit.services import audit_record
from jinguo.cases.models import Holiday, TimeLimitRule
from jinguo.common.admin import SystemAdminModelAdmin, site


class _AuditedAdmin(SystemAdminModelAdmin):
    """Time limits and the holiday calendar are configuration: every change is audited."""

    audit_name = ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changes = {f: [form.initial.get(f), getattr(obj, f)] for f in form.changed_data}
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action=f"{self.audit_name}.{'update' if change else 'create'}",
            target=obj,
            changes={k: [str(a), str(b)] for k, (a, b) in changes.items()},
        )


class TimeLimitRuleAdmin(_AuditedAdmin):
    audit_name = "case_time_limit"
    list_display = ["kind", "level", "working_days"]
    list_filter = ["kind", "level"]


class HolidayAdmin(_AuditedAdmin):
    audit_name = "holiday"
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A wrongly entered holiday is a calendar row, not a record history points at.
        return super().has_module_permission(request)


site.register(TimeLimitRule, TimeLimitRuleAdmin)
site.register(Holiday, HolidayAdmin)

"""System administration of activities: series and volunteer teams can be switched off (a
series that no longer runs, a disbanded team); the records themselves are kept by cadres in
the pages, so nothing is added or deleted here and every change is audited."""

from typing import Any

from django.http import HttpRequest

from jinguo.activities.models import ActivitySeries, VolunteerTeam
from jinguo.audit.services import audit_record
from jinguo.common.admin import SystemAdminModelAdmin, site


class _SwitchAdmin(SystemAdminModelAdmin):
    audit_name = ""
    fields = ["is_active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action=f"{self.audit_name}.update",
            target=obj,
            changes={f: [form.initial.get(f), getattr(obj, f)] for f in form.changed_data},
        )


class ActivitySeriesAdmin(_SwitchAdmin):
    audit_name = "activity_series"
    list_display = ["title", "org", "kind", "rule", "day_of_month", "weekday", "is_active"]
    list_filter = ["is_active", "kind", "rule"]
    search_fields = ["title"]


class VolunteerTeamAdmin(_SwitchAdmin):
    audit_name = "volunteer_team"
    list_display = ["name", "org", "founded_on", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


site.register(ActivitySeries, ActivitySeriesAdmin)
site.register(VolunteerTeam, VolunteerTeamAdmin)

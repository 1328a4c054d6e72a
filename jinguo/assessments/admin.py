"""Read-only views of assessments and allowances for the system administrator; every change
goes through the services (history and audit)."""

from typing import Any

from django.http import HttpRequest

from jinguo.assessments.models import (
    AllowancePolicy,
    AllowanceStatement,
    AssessmentRound,
    AssessmentScheme,
)
from jinguo.common.admin import SystemAdminModelAdmin, site


class _ReadOnlyAdmin(SystemAdminModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SchemeAdmin(_ReadOnlyAdmin):
    list_display = ["name", "org", "valid_from"]


class RoundAdmin(_ReadOnlyAdmin):
    list_display = ["name", "org", "start", "end", "status"]
    list_filter = ["status"]


class PolicyAdmin(_ReadOnlyAdmin):
    list_display = ["org", "annual_amount", "daily_amount", "max_days_per_month"]


class StatementAdmin(_ReadOnlyAdmin):
    list_display = ["org", "start", "end", "status"]
    list_filter = ["status"]


site.register(AssessmentScheme, SchemeAdmin)
site.register(AssessmentRound, RoundAdmin)
site.register(AllowancePolicy, PolicyAdmin)
site.register(AllowanceStatement, StatementAdmin)

from typing import Any

from django.http import HttpRequest

from jinguo.common.admin import SystemAdminModelAdmin, site
from jinguo.households.models import Category
from jinguo.households.services import category_save


class CategoryAdmin(SystemAdminModelAdmin):
    """Categories are configuration: the system administrator adds, renames, retunes the visit
    interval and the per-executive cap, marks one sensitive (masked by households.policy), or
    retires one (never deletes: households keep it)."""

    list_display = [
        "name",
        "code",
        "visit_interval_days",
        "max_per_executive",
        "sensitive",
        "is_active",
    ]
    list_filter = ["is_active", "sensitive"]
    search_fields = ["name", "code"]
    ordering = ["sort_order", "id"]
    fields = [
        "name",
        "code",
        "visit_interval_days",
        "max_per_executive",
        "sensitive",
        "sort_order",
        "is_active",
    ]

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        changes = {
            field: [form.initial.get(field), getattr(obj, field)] for field in form.changed_data
        }
        category_save(
            actor=request.user,  # type: ignore[arg-type]
            category=obj,
            changes=changes,
            created=not change,
        )


site.register(Category, CategoryAdmin)

from django.contrib import admin

from jinguo.intake.models import IntakePoint


@admin.register(IntakePoint)
class IntakePointAdmin(admin.ModelAdmin):
    list_display = ["org", "is_active", "created_at"]
    list_select_related = ["org"]
    readonly_fields = ["token", "created_by", "created_at"]

from jinguo.common.admin import SystemAdminModelAdmin, site
from jinguo.points.models import LoveBankItem, PointEntry, PointRule


class PointRuleAdmin(SystemAdminModelAdmin):
    """Read-only here: rules change through the rules page, which writes RuleChange rows."""

    list_display = ["org", "action", "points", "cap", "cap_period", "is_active", "valid_from"]
    list_filter = ["action", "is_active"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


class PointEntryAdmin(PointRuleAdmin):
    list_display = ["day", "person", "org", "kind", "action", "amount"]
    list_filter = ["kind", "action"]


class LoveBankItemAdmin(PointRuleAdmin):
    list_display = ["org", "name", "price", "stock", "is_active"]
    list_filter = ["is_active"]


site.register(PointRule, PointRuleAdmin)
site.register(PointEntry, PointEntryAdmin)
site.register(LoveBankItem, LoveBankItemAdmin)

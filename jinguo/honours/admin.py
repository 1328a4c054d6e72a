from jinguo.common.admin import SystemAdminModelAdmin, site
from jinguo.honours.models import FamilyHonour, IndividualHonour


class FamilyHonourAdmin(SystemAdminModelAdmin):
    list_display = ["family_name", "title", "level", "year", "status", "org"]
    list_filter = ["title", "level", "status", "year"]
    search_fields = ["family_name"]
    raw_id_fields = ["org", "household", "nominated_by"]


class IndividualHonourAdmin(SystemAdminModelAdmin):
    list_display = ["person", "title", "level", "year", "status", "org"]
    list_filter = ["title", "level", "status", "year"]
    raw_id_fields = ["org", "person", "nominated_by"]


site.register(FamilyHonour, FamilyHonourAdmin)
site.register(IndividualHonour, IndividualHonourAdmin)

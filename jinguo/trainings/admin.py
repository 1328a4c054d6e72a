from jinguo.common.admin import SystemAdminModelAdmin, site
from jinguo.trainings.models import Course, Session


class CourseAdmin(SystemAdminModelAdmin):
    list_display = ["title", "org", "topic", "audience", "planned_hours", "is_active"]
    list_filter = ["topic", "audience", "is_active"]
    search_fields = ["title"]
    raw_id_fields = ["org", "created_by"]


class SessionAdmin(SystemAdminModelAdmin):
    list_display = ["course", "held_on", "hours", "status", "trainer"]
    list_filter = ["status"]
    date_hierarchy = "held_on"
    raw_id_fields = ["course", "venue"]


site.register(Course, CourseAdmin)
site.register(Session, SessionAdmin)

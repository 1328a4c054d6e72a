from jinguo.common.admin import SystemAdminModelAdmin, site
from jinguo.meetings.models import Meeting, Resolution


class MeetingAdmin(SystemAdminModelAdmin):
    list_display = ["title", "org", "kind", "status", "planned_at", "held_on", "is_public"]
    list_filter = ["kind", "status", "is_public"]
    search_fields = ["title"]
    raw_id_fields = ["org", "place", "created_by"]


class ResolutionAdmin(SystemAdminModelAdmin):
    list_display = ["content", "meeting", "status", "forwarded_on", "done_on"]
    list_filter = ["status"]
    raw_id_fields = ["meeting", "topic"]


site.register(Meeting, MeetingAdmin)
site.register(Resolution, ResolutionAdmin)

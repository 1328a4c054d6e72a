"""The columns of the meetings and resolutions exports."""

from django.utils.translation import gettext_lazy as _

from jinguo.common.xlsx import Column, yes_no
from jinguo.meetings.models import Meeting, Resolution

MEETING_COLUMNS: list[Column[Meeting]] = [
    Column(_("召开组织"), lambda m: m.org.name),
    Column(_("会议类型"), lambda m: m.get_kind_display()),
    Column(_("会议名称"), lambda m: m.title),
    Column(_("计划时间"), lambda m: m.planned_at),
    Column(_("召开日期"), lambda m: m.held_on),
    Column(_("状态"), lambda m: m.get_status_display()),
    Column(_("地点"), lambda m: m.place.name if m.place else ""),
    Column(_("参会人数"), lambda m: m.attendee_count),
    Column(_("议题数"), lambda m: m.topic_count),  # type: ignore[attr-defined]
    Column(_("决议数"), lambda m: m.resolution_count),  # type: ignore[attr-defined]
    Column(_("公示"), lambda m: yes_no(m.is_public)),
]

RESOLUTION_COLUMNS: list[Column[Resolution]] = [
    Column(_("召开组织"), lambda r: r.meeting.org.name),
    Column(_("会议名称"), lambda r: r.meeting.title),
    Column(_("召开日期"), lambda r: r.meeting.held_on),
    Column(_("议题"), lambda r: r.topic.title),
    Column(_("决议内容"), lambda r: r.content),
    Column(_("状态"), lambda r: r.get_status_display()),
    Column(_("提交两委日期"), lambda r: r.forwarded_on),
    Column(_("提交至"), lambda r: r.forwarded_to),
    Column(_("落实日期"), lambda r: r.done_on),
    Column(_("落实结果"), lambda r: r.result),
    Column(_("原因"), lambda r: r.reason),
]

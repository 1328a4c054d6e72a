"""The columns of the activities exports: activities, and volunteers' service hours."""

from django.utils.translation import gettext_lazy as _

from jinguo.activities.models import Activity, ServiceHours
from jinguo.common.xlsx import Column

ACTIVITY_COLUMNS: list[Column[Activity]] = [
    Column(_("活动日期"), lambda a: a.starts_on),
    Column(_("开始时间"), lambda a: a.start_time.strftime("%H:%M") if a.start_time else ""),
    Column(_("活动名称"), lambda a: a.title),
    Column(_("活动类型"), lambda a: a.get_kind_display()),
    Column(_("所属组织"), lambda a: a.org.name),
    Column(_("活动阵地"), lambda a: a.venue.name if a.venue else ""),
    Column(_("周期性活动"), lambda a: a.series.title if a.series else ""),
    Column(_("状态"), lambda a: a.get_status_display()),
    Column(_("报名人数"), lambda a: a.registered),  # type: ignore[attr-defined]
    Column(_("到场人数"), lambda a: a.attended),  # type: ignore[attr-defined]
    Column(_("参与人次"), lambda a: a.headcount if a.headcount is not None else ""),
    Column(_("小结或取消原因"), lambda a: a.summary or a.cancel_reason),
]

HOURS_COLUMNS: list[Column[ServiceHours]] = [
    Column(_("服务日期"), lambda h: h.served_on),
    Column(_("服务队"), lambda h: h.membership.team.name),
    Column(_("志愿者"), lambda h: h.membership.person.name),
    Column(_("服务时长（小时）"), lambda h: h.hours),
    Column(_("服务活动"), lambda h: h.activity.title if h.activity else ""),
    Column(_("服务内容"), lambda h: h.note),
]

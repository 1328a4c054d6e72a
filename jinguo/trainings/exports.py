"""The columns of the trainings exports: sessions, and attendance."""

from django.utils.translation import gettext_lazy as _

from jinguo.common.xlsx import Column
from jinguo.trainings.models import Attendance, Session

SESSION_COLUMNS: list[Column[Session]] = [
    Column(_("课程"), lambda s: s.course.title),
    Column(_("主办组织"), lambda s: s.course.org.name),
    Column(_("日期"), lambda s: s.held_on),
    Column(_("学时"), lambda s: float(s.hours)),
    Column(_("地点"), lambda s: s.where),
    Column(_("授课人"), lambda s: s.trainer),
    Column(_("状态"), lambda s: s.get_status_display()),
    Column(_("出勤人次"), lambda s: getattr(s, "person_times", 0)),
]

ATTENDANCE_COLUMNS: list[Column[Attendance]] = [
    Column(_("姓名"), lambda a: a.person.name),
    Column(_("所属组织"), lambda a: a.person.org.name),
    Column(_("课程"), lambda a: a.session.course.title),
    Column(_("日期"), lambda a: a.session.held_on),
    Column(_("学时"), lambda a: float(a.session.hours)),
]

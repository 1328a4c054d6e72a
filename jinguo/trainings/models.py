"""Trainings (培训): courses offered by a federation, their sessions (classes), who enrolled
and who attended. Coverage figures (sessions, person-times, hours, executives trained) are
computed from these rows in `selectors.training_coverage`, never typed in.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.models import ChangeRow

MIN_HOURS = Decimal("0.5")
MAX_HOURS = Decimal("12")


class Topic(models.TextChoices):
    POLICY = "policy", _("政策与业务")
    FAMILY_EDUCATION = "family_education", _("家庭教育")
    MEDIATION = "mediation", _("矛盾调解与法律")
    DIGITAL = "digital", _("数字技能")
    EMPLOYMENT = "employment", _("就业技能")
    HEALTH = "health", _("健康")
    OTHER = "other", _("其他")


class Audience(models.TextChoices):
    EXECUTIVES = "executives", _("执委干部")
    RESIDENTS = "residents", _("妇女群众")
    BOTH = "both", _("执委干部和妇女群众")


class Course(models.Model):
    """A course offered by a federation (usually a township, county or city)."""

    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("主办组织"), on_delete=models.PROTECT, related_name="courses"
    )
    title = models.CharField(_("课程名称"), max_length=100)
    topic = models.CharField(_("主题"), max_length=20, choices=Topic.choices)
    audience = models.CharField(_("对象"), max_length=20, choices=Audience.choices)
    planned_hours = models.DecimalField(_("计划学时"), max_digits=5, decimal_places=1)
    description = models.TextField(_("课程简介"), blank=True, default="")
    is_active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = pgettext_lazy("plural", "培训课程")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "is_active"], name="course_org_active")]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    """One class of a course: planned, then held (attendance recorded) or cancelled."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划")
        HELD = "held", _("已举办")
        CANCELLED = "cancelled", _("已取消")

    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.PROTECT, related_name="sessions"
    )
    held_on = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    venue = models.ForeignKey(
        "orgs.Venue",
        verbose_name=_("阵地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(_("地点"), max_length=200, blank=True, default="")
    trainer = models.CharField(_("授课人"), max_length=50, blank=True, default="")
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("培训场次")
        verbose_name_plural = pgettext_lazy("plural", "培训场次")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["status", "held_on"], name="session_status_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=MIN_HOURS, hours__lte=MAX_HOURS),
                name="session_hours_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course_id} {self.held_on:%Y-%m-%d}"

    @property
    def where(self) -> str:
        return self.venue.name if self.venue_id and self.venue else self.place


class Enrolment(models.Model):
    """A person enrolled in a course (报名), once per course."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("学员"), on_delete=models.PROTECT, related_name="+"
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = pgettext_lazy("plural", "报名")
        ordering = ["enrolled_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="enrolment_course_person")
        ]

    def __str__(self) -> str:
        return f"{self.course_id} {self.person_id}"


class Attendance(models.Model):
    """Whether a person attended a held session; `attended` rows are the person-times."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendances")
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("学员"),
        on_delete=models.PROTECT,
        related_name="training_attendances",
    )
    attended = models.BooleanField(_("出勤"), default=False)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = pgettext_lazy("plural", "出勤")
        ordering = ["session_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attendance_session_person")
        ]
        indexes = [models.Index(fields=["person", "attended"], name="attendance_person")]

    def __str__(self) -> str:
        return f"{self.session_id} {self.person_id} {self.attended}"


class CourseChange(ChangeRow):
    """History of a course, its sessions, enrolments and attendance: who, when, old → new."""

    class Action(models.TextChoices):
        CREATE = "create", _("新建课程")
        SESSION_CREATE = "session_create", _("新增场次")
        SESSION_HELD = "session_held", _("确认举办")
        SESSION_CANCEL = "session_cancel", _("取消场次")
        ENROL = "enrol", _("报名")
        ATTENDANCE = "attendance", _("登记出勤")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="changes")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    action = models.CharField(max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["course", "-at"], name="coursechange_course_at")]

    def __str__(self) -> str:
        return f"{self.course_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

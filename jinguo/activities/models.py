"""Activities (活动) at a venue with organisers, participants and head-count; recurring
series (爱心义剪 on the 17th monthly); volunteer teams (巾帼志愿者服务队), memberships and
service hours."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.models import StatusChange


class ActivityKind(models.TextChoices):
    FESTIVAL = "festival", _("节日活动")
    VOLUNTEER_SERVICE = "volunteer_service", _("志愿服务")
    LECTURE = "lecture", _("宣讲")
    CULTURE_SPORT = "culture_sport", _("文体活动")
    EMPLOYMENT = "employment", _("就业帮扶")
    FAMILY_EDUCATION = "family_education", _("家庭教育")


class ActivitySeries(models.Model):
    """A recurring activity: monthly on a day (31 → the month's last day in shorter months) or
    weekly on a weekday. `series_schedule` creates its planned occurrences."""

    class Rule(models.TextChoices):
        MONTHLY = "monthly", _("每月")
        WEEKLY = "weekly", _("每周")

    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所属组织"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("活动名称"), max_length=100)
    venue = models.ForeignKey(
        "orgs.Venue",
        verbose_name=_("活动阵地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule = models.CharField(_("重复规则"), max_length=10, choices=Rule.choices)
    day_of_month = models.PositiveSmallIntegerField(_("每月几号"), null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(
        _("星期几"), null=True, blank=True, help_text=_("0 = 星期一 … 6 = 星期日")
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("周期性活动")
        verbose_name_plural = pgettext_lazy("plural", "周期性活动")
        ordering = ["org_id", "title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def rule_label(self) -> str:
        """每月17日 / 每周三: how the series repeats, for lists."""
        if self.rule == self.Rule.MONTHLY:
            return str(_("每月%(day)s日")) % {"day": self.day_of_month}
        names = [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")]
        return str(_("每周%(day)s")) % {"day": names[self.weekday or 0]}


class Activity(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        HELD = "held", _("已举办")
        CANCELLED = "cancelled", _("已取消")

    org = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("所属组织"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("活动名称"), max_length=100)
    venue = models.ForeignKey(
        "orgs.Venue",
        verbose_name=_("活动阵地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    starts_on = models.DateField(_("活动日期"))
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    organisers = models.ManyToManyField(
        "people.Person", verbose_name=_("组织者"), blank=True, related_name="organised_activities"
    )
    description = models.TextField(_("活动内容"), blank=True, default="")
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True, default="")
    # Person-times (人次) counted on the day; at least the participants ticked as attended.
    headcount = models.PositiveIntegerField(_("参与人次"), null=True, blank=True)
    summary = models.TextField(_("活动小结"), blank=True, default="")
    photo = models.FileField(_("活动照片"), upload_to="activities/%Y/%m/", blank=True, default="")
    series = models.ForeignKey(
        ActivitySeries,
        verbose_name=_("所属周期性活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="occurrences",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = pgettext_lazy("plural", "活动")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["org", "starts_on"], name="activity_org_date"),
            models.Index(fields=["status", "starts_on"], name="activity_status_date"),
        ]
        constraints = [
            # One occurrence of a series per day: scheduling twice creates nothing new.
            models.UniqueConstraint(
                fields=["series", "starts_on"],
                condition=Q(series__isnull=False),
                name="activity_series_day_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.starts_on}"


class ActivityParticipant(models.Model):
    """A registered participant. `person` when she has a record the user may see; a resident
    without one is registered by name only (no personal data is created for a haircut)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="participants")
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activity_participations",
    )
    name = models.CharField(_("姓名"), max_length=50)
    attended = models.BooleanField(_("已到场"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动参与人")
        verbose_name_plural = pgettext_lazy("plural", "活动参与人")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(person__isnull=False),
                name="activity_participant_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ActivityChange(StatusChange):
    """Every status change of an activity: who, when, from → to."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="changes")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.from_status}→{self.to_status}"

    @property
    def from_label(self) -> str:
        labels = dict(Activity.Status.choices)
        return str(labels.get(self.from_status, "—")) if self.from_status else "—"

    @property
    def to_label(self) -> str:
        return str(dict(Activity.Status.choices).get(self.to_status, self.to_status))


class VolunteerTeam(models.Model):
    org = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("所属组织"),
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
    )
    name = models.CharField(_("队伍名称"), max_length=100)
    founded_on = models.DateField(_("成立日期"))
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("巾帼志愿者服务队")
        verbose_name_plural = pgettext_lazy("plural", "巾帼志愿者服务队")
        ordering = ["org_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="volunteer_team_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class VolunteerMembership(models.Model):
    """A person's time in a team; `left_on` empty while she serves."""

    team = models.ForeignKey(VolunteerTeam, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("志愿者"),
        on_delete=models.PROTECT,
        related_name="volunteer_memberships",
    )
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = pgettext_lazy("plural", "志愿者")
        ordering = ["team_id", "joined_on", "id"]
        indexes = [models.Index(fields=["team", "person"], name="volunteer_team_person")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.person_id}"


class ServiceHours(models.Model):
    membership = models.ForeignKey(
        VolunteerMembership, on_delete=models.PROTECT, related_name="hours"
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("服务活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_hours",
    )
    served_on = models.DateField(_("服务日期"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=4, decimal_places=1)
    note = models.CharField(_("服务内容"), max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("志愿服务时长")
        verbose_name_plural = pgettext_lazy("plural", "志愿服务时长")
        ordering = ["-served_on", "-id"]
        indexes = [models.Index(fields=["served_on"], name="service_hours_day")]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.served_on} {self.hours}"

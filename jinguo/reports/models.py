"""Summary tables behind the dashboard (tallies), so that a city-wide dashboard sums ten
thousand rows instead of counting a million households and ten million visits per request.

They are derived data, rebuilt every 20 s (jinguo.reports.tasks, jinguo.reports.tallies): the
dashboard reads them only while the latest run is younger than TALLY_MAX_AGE_SECONDS and was
computed for today, and counts live otherwise, so a figure is never staler than that.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.models import ChangeRow


class UnitTally(models.Model):
    """Coverage of one org unit that holds households or is a grid, as of `TallyRun.as_of`.
    Rows are keyed by the unit; the dashboard sums them over a subtree through the unit's
    current path, so a unit moved in the tree is counted where it is now."""

    org = models.OneToOneField(
        "orgs.OrgUnit", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    households = models.PositiveIntegerField(default=0)  # active households, home grid here
    assigned = models.PositiveIntegerField(default=0)  # … with an open 包保 executive
    planned = models.PositiveIntegerField(default=0)  # … with an active key category
    overdue = models.PositiveIntegerField(default=0)  # … planned and due before as_of
    grids = models.PositiveIntegerField(default=0)  # 1 for an active grid or micro-grid
    staffed = models.PositiveIntegerField(default=0)  # 1 for such a grid with an executive

    def __str__(self) -> str:
        return f"tally {self.org_id}"


class VisitMonthTally(models.Model):
    """Visits recorded at one unit in one month (first day of the month)."""

    org = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    visits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "month"], name="visit_month_tally_unique")
        ]
        indexes = [models.Index(fields=["month", "org"], name="visit_month_tally_month")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%Y-%m}: {self.visits}"


class VisitMonthRollup(models.Model):
    """Visits per month of a whole top-level subtree (the city, each county): the sums of its
    VisitMonthTally rows, written by the same refresh, so that a city's trend reads twelve rows
    instead of summing a hundred thousand. Units deeper down sum their few tallies directly."""

    org = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    visits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "month"], name="visit_month_rollup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%Y-%m}: {self.visits} (subtree)"


class TallyRun(models.Model):
    """One refresh. `visit_max_id` is the largest visit id seen when it started: the next runs
    recount the months touched by visits above the one of two runs back (an overlap, so that a
    visit committed late with a smaller id is still counted)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    as_of = models.DateField()  # the day "overdue" was computed for
    full = models.BooleanField(default=False)
    visit_max_id = models.BigIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["-finished_at"], name="tally_run_finished")]

    def __str__(self) -> str:
        return f"tallies {self.started_at:%Y-%m-%d %H:%M:%S} ({self.seconds:.2f} s)"


class DashboardOpened(models.Model):
    """A dashboard (scope, org, period, language) someone opened lately: the refresher
    recomputes it into the shared cache before its copy expires (jinguo.reports.warming), so
    the next visit is served from the cache instead of computing ≈50 queries. `user` is whom it
    is computed as: everyone who shares the cache key sees the same page."""

    key = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    language = models.CharField(max_length=16)
    opened_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


def _template_path(template: "ReportTemplate", filename: str) -> str:
    # A random name: the original one is kept in `original_name` for display only.
    return f"reports/templates/{uuid.uuid4().hex}.docx"


class ReportTemplate(models.Model):
    """A city's or county's own Word template of the work report (红头, its own headings): the
    reports of every unit below it are written through it (jinguo.reports.templating), the
    nearest active one up the tree; without one, the built-in 公文 layout. Stored encrypted
    like every upload (jinguo/common/storage.py): read it with .open("rb"), never .path."""

    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("模板名称"), max_length=100)
    file = models.FileField(_("模板文件"), upload_to=_template_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=255, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    is_active = models.BooleanField(_("启用"), default=False)

    class Meta:
        verbose_name = _("报告模板")
        verbose_name_plural = pgettext_lazy("plural", "报告模板")
        ordering = ["org_id", "-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org"], condition=Q(is_active=True), name="report_template_one_active"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ReportTemplateChange(ChangeRow):
    """History of a unit's report templates: uploaded, activated, deactivated."""

    class Action(models.TextChoices):
        UPLOAD = "upload", _("上传模板")
        ACTIVATE = "activate", _("启用模板")
        DEACTIVATE = "deactivate", _("停用模板")

    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["template", "-at"], name="reporttemplatechange_at")]

    def __str__(self) -> str:
        return f"{self.template_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

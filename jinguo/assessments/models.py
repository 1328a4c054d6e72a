"""Assessments (考核) of executives and their allowances (补贴).

A scheme (AssessmentScheme) says how a unit's executives are assessed: measured metrics with
weights, manual items with a maximum score (the weights and the manual maxima sum to 100),
and grade bands. The scheme of the nearest unit up the tree wins; a new version is a new
scheme with a later `valid_from`. A round (AssessmentRound) snapshots each executive's
measured values into one AssessmentResult; cadres add manual scores, publish, and decide
appeals. Allowances: a policy per unit (nearest ancestor wins) and statements per period,
one line per executive. Every change writes a *Change row and an audit row (services,
appeals, allowances).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.models import ChangeRow
from jinguo.people.models import ExecutiveSeat


class Metric(models.TextChoices):
    VISITS = "visits", _("按时走访")
    CASES = "cases", _("案件按期办结")
    ATTENDANCE = "attendance", _("参会参训")
    POINTS = "points", _("履职积分")
    SATISFACTION = "satisfaction", _("群众满意度")


def default_grade_bands() -> list[dict[str, object]]:
    return [
        {"name": "优秀", "min": 90},
        {"name": "良好", "min": 80},
        {"name": "合格", "min": 60},
        {"name": "不合格", "min": 0},
    ]


class ChangeBase(ChangeRow):
    """History row: who, when, which action, old → new."""

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class AssessmentScheme(models.Model):
    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("方案名称"), max_length=100)
    valid_from = models.DateField(_("生效日期"))
    grade_bands = models.JSONField(_("等次"), default=default_grade_bands)
    # Points are normalised against this target (points for 100); none: against the best.
    points_target = models.PositiveIntegerField(_("积分目标"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = pgettext_lazy("plural", "考核方案")
        ordering = ["org_id", "-valid_from", "-id"]
        indexes = [models.Index(fields=["org", "valid_from"], name="scheme_org_from")]

    def __str__(self) -> str:
        return f"{self.name}（{self.valid_from:%Y-%m-%d}）"


class SchemeItem(models.Model):
    """A measured metric (weight) or a manual item (maximum score = weight)."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="items")
    metric = models.CharField(
        _("测评指标"), max_length=20, choices=Metric.choices, blank=True, default=""
    )
    name = models.CharField(_("名称"), max_length=50)
    weight = models.PositiveSmallIntegerField(_("权重/满分"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme_id", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.weight}"

    @property
    def is_manual(self) -> bool:
        return not self.metric


class SchemeChange(ChangeBase):
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="changes")


class AssessmentRound(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待测算")
        SCORING = "scoring", _("评分中")
        PUBLISHED = "published", _("已公布")
        CLOSED = "closed", _("已结束")

    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+"
    )
    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    start = models.DateField(_("考核期开始"))
    end = models.DateField(_("考核期结束"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    computed_at = models.DateTimeField(_("测算时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("考核轮次")
        verbose_name_plural = pgettext_lazy("plural", "考核轮次")
        ordering = ["-end", "-id"]
        indexes = [models.Index(fields=["org", "end"], name="round_org_end")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="round_dates")
        ]

    def __str__(self) -> str:
        return self.name


class RoundChange(ChangeBase):
    round = models.ForeignKey(AssessmentRound, on_delete=models.PROTECT, related_name="changes")


class AssessmentResult(models.Model):
    """One executive in one round: the measured snapshot, manual scores, total and grade."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.PROTECT, related_name="results")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("执委"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所在组织"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(_("职务"), max_length=20, blank=True, default="")
    # {metric: {"label", "weight", "numerator", "denominator", "score" (None: no data),
    #  "effective_weight", "points", "records": {"households"|"cases"|…: [ids]}}}
    metrics = models.JSONField(default=dict)
    manual = models.JSONField(default=dict)  # {item name: score}
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2, default=Decimal(0))
    grade = models.CharField(_("等次"), max_length=20, blank=True, default="")
    adjusted = models.BooleanField(_("复核调整"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = pgettext_lazy("plural", "考核结果")
        ordering = ["round_id", "-total", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="result_round_person")
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.person_id} {self.total}"

    @property
    def post_label(self) -> str:
        return str(dict(ExecutiveSeat.Post.choices).get(self.post, self.post))


class ResultChange(ChangeBase):
    result = models.ForeignKey(AssessmentResult, on_delete=models.PROTECT, related_name="changes")


class Appeal(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("已驳回")

    result = models.OneToOneField(AssessmentResult, on_delete=models.PROTECT, related_name="appeal")
    reason = models.TextField(_("申诉理由"))
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(_("处理意见"), max_length=500, blank=True, default="")
    old_total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    new_total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("考核申诉")
        verbose_name_plural = pgettext_lazy("plural", "考核申诉")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.result_id} {self.status}"


# --- allowances ---------------------------------------------------------------------------------


class AllowancePolicy(models.Model):
    org = models.OneToOneField(
        "orgs.OrgUnit", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+"
    )
    annual_amount = models.DecimalField(
        _("网格执委年度补贴（元/年）"), max_digits=9, decimal_places=2, default=Decimal("900")
    )
    daily_amount = models.DecimalField(
        _("误工补贴（元/天）"), max_digits=9, decimal_places=2, default=Decimal("100")
    )
    max_days_per_month = models.PositiveSmallIntegerField(
        _("每月误工天数上限"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("补贴标准")
        verbose_name_plural = pgettext_lazy("plural", "补贴标准")

    def __str__(self) -> str:
        return f"{self.org_id} {self.annual_amount}/{self.daily_amount}"


class PolicyChange(ChangeBase):
    policy = models.ForeignKey(AllowancePolicy, on_delete=models.PROTECT, related_name="changes")


class AllowanceStatement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        CONFIRMED = "confirmed", _("已确认")
        PAID = "paid", _("已发放")

    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # The policy the lines were computed with (amounts as strings).
    policy = models.JSONField(default=dict)
    generated_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("补贴发放表")
        verbose_name_plural = pgettext_lazy("plural", "补贴发放表")
        ordering = ["-end", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "start", "end"], name="statement_org_period"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="statement_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"


class AllowanceLine(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("核算")
        ADJUSTMENT = "adjustment", _("更正")

    statement = models.ForeignKey(
        AllowanceStatement, on_delete=models.PROTECT, related_name="lines"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("执委"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所在组织"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(_("职务"), max_length=20, blank=True, default="")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REGULAR)
    months = models.PositiveSmallIntegerField(_("任职月数"), default=0)
    annual_share = models.DecimalField(
        _("年度补贴"), max_digits=9, decimal_places=2, default=Decimal(0)
    )
    duty_days = models.PositiveSmallIntegerField(_("履职天数"), default=0)
    lost_work_amount = models.DecimalField(
        _("误工补贴"), max_digits=9, decimal_places=2, default=Decimal(0)
    )
    total = models.DecimalField(_("合计"), max_digits=10, decimal_places=2, default=Decimal(0))
    reason = models.CharField(_("更正原因"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("补贴明细")
        verbose_name_plural = pgettext_lazy("plural", "补贴明细")
        ordering = ["statement_id", "kind", "org_id", "person_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "person"],
                condition=Q(kind="regular"),
                name="line_statement_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} {self.person_id} {self.total}"

    @property
    def post_label(self) -> str:
        return str(dict(ExecutiveSeat.Post.choices).get(self.post, self.post))


class StatementChange(ChangeBase):
    statement = models.ForeignKey(
        AllowanceStatement, on_delete=models.PROTECT, related_name="changes"
    )

"""Small guaranteed loans for women entrepreneurs (妇女创业担保贷款) and job fairs (招聘会)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.models import ChangeRow, StatusChange


class Loan(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("已申请")
        APPROVED = "approved", _("已审批")
        ISSUED = "issued", _("已放款")
        REPAID = "repaid", _("已还清")
        OVERDUE = "overdue", _("逾期")
        REJECTED = "rejected", _("未通过")

    borrower = models.ForeignKey(
        "people.Person", verbose_name=_("借款人"), on_delete=models.PROTECT, related_name="loans"
    )
    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所在组织"), on_delete=models.PROTECT, related_name="loans"
    )
    amount = models.DecimalField(_("申请金额（元）"), max_digits=12, decimal_places=2)
    bank = models.CharField(_("贷款银行"), max_length=100)
    purpose = models.CharField(_("创业项目/用途"), max_length=200)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    interest_subsidy = models.BooleanField(_("财政贴息"), default=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.APPLIED
    )
    applied_on = models.DateField(_("申请日期"))
    approved_on = models.DateField(_("审批日期"), null=True, blank=True)
    issued_on = models.DateField(_("放款日期"), null=True, blank=True)
    issued_amount = models.DecimalField(
        _("放款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    repaid_on = models.DateField(_("还清日期"), null=True, blank=True)
    reason = models.CharField(_("理由"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("创业担保贷款")
        verbose_name_plural = pgettext_lazy("plural", "创业担保贷款")
        ordering = ["-applied_on", "-id"]
        indexes = [
            models.Index(fields=["org", "status"], name="loan_org_status"),
            models.Index(fields=["issued_on"], name="loan_issued_on"),
        ]

    def __str__(self) -> str:
        return f"{self.borrower.name} {self.amount}"


class LoanChange(StatusChange):
    """One row per change of a loan: who, when, from → to."""

    class Action(models.TextChoices):
        APPLY = "apply", _("申请")
        APPROVE = "approve", _("审批通过")
        REJECT = "reject", _("不予通过")
        ISSUE = "issue", _("放款")
        OVERDUE = "overdue", _("登记逾期")
        REPAY = "repay", _("还清")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Loan.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Loan.Status.choices)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.action} {self.from_status}→{self.to_status}"


class JobFair(models.Model):
    org = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("主办组织"),
        on_delete=models.PROTECT,
        related_name="job_fairs",
    )
    title = models.CharField(_("名称"), max_length=100)
    held_on = models.DateField(_("举办日期"))
    venue = models.ForeignKey(
        "orgs.Venue",
        verbose_name=_("阵地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="job_fairs",
    )
    place = models.CharField(_("地点"), max_length=200, blank=True, default="")
    online = models.BooleanField(_("线上招聘"), default=False)
    visitors = models.PositiveIntegerField(_("求职人数"), null=True, blank=True)
    intents = models.PositiveIntegerField(_("达成意向人数"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("招聘会")
        verbose_name_plural = pgettext_lazy("plural", "招聘会")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["org", "held_on"], name="jobfair_org_held_on")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class JobFairEmployer(models.Model):
    fair = models.ForeignKey(JobFair, on_delete=models.PROTECT, related_name="employers")
    name = models.CharField(_("用人单位"), max_length=100)
    sector = models.CharField(_("行业"), max_length=50, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("参会单位")
        verbose_name_plural = pgettext_lazy("plural", "参会单位")
        ordering = ["fair_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "name"], name="jobfairemployer_unique")
        ]

    def __str__(self) -> str:
        return self.name


class JobPost(models.Model):
    employer = models.ForeignKey(JobFairEmployer, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(_("岗位"), max_length=100)
    openings = models.PositiveIntegerField(_("招聘人数"))
    women_friendly = models.BooleanField(_("适合女性（巾帼岗位）"), default=False)
    salary = models.CharField(_("薪资范围"), max_length=50, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("招聘岗位")
        verbose_name_plural = pgettext_lazy("plural", "招聘岗位")
        ordering = ["employer_id", "id"]

    def __str__(self) -> str:
        return f"{self.employer.name} {self.title}"


class JobFairChange(ChangeRow):
    """One row per change of a fair (created, employer or post added, results recorded)."""

    class Action(models.TextChoices):
        CREATE = "create", _("登记招聘会")
        EMPLOYER = "employer", _("添加参会单位")
        POST = "post", _("添加岗位")
        RESULTS = "results", _("登记成效")

    fair = models.ForeignKey(JobFair, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.fair_id} {self.action}"

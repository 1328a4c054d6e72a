"""Cases (纠纷、诉求、维权接访) and their closed loop: every action is a CaseTransition row.

Time limits (TimeLimitRule) and the holiday calendar (Holiday) are data the system
administrator keeps in the admin; defaults come from a data migration.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.fields import EncryptedCharField
from jinguo.common.models import StatusChange
from jinguo.people.masking import mask_phone


class CaseKind(models.TextChoices):
    DISPUTE_MARRIAGE = "dispute_marriage", _("婚姻家庭纠纷")
    DISPUTE_EMOTIONAL = "dispute_emotional", _("情感纠纷")
    DISPUTE_NEIGHBOUR = "dispute_neighbour", _("邻里/地界纠纷")
    DISPUTE_SUPPORT = "dispute_support", _("赡养/抚养纠纷")
    DOMESTIC_VIOLENCE = "domestic_violence", _("家庭暴力")
    REQUEST = "request", _("诉求")
    RIGHTS_VISIT = "rights_visit", _("维权接访")


DISPUTE_KINDS = (
    CaseKind.DISPUTE_MARRIAGE,
    CaseKind.DISPUTE_EMOTIONAL,
    CaseKind.DISPUTE_NEIGHBOUR,
    CaseKind.DISPUTE_SUPPORT,
    CaseKind.DOMESTIC_VIOLENCE,
)
HIGH_RISK_KINDS = (CaseKind.DOMESTIC_VIOLENCE,)


class Case(models.Model):
    Kind = CaseKind

    class Status(models.TextChoices):
        REPORTED = "reported", _("上报")
        ACCEPTED = "accepted", _("受理")
        REJECTED = "rejected", _("不予受理")
        DISPATCHED = "dispatched", _("派单")
        IN_PROGRESS = "in_progress", _("处置中")
        RESOLVED = "resolved", _("办结反馈")
        VERIFIED = "verified", _("核查通过")
        CLOSED = "closed", _("结案")
        RATED = "rated", _("回访评价")

    class Supervision(models.TextChoices):
        NONE = "none", _("无")
        YELLOW = "yellow", _("黄牌督办")
        RED = "red", _("红牌督办")

    class Outcome(models.TextChoices):
        BLANK = "", _("未填")
        WRITTEN = "written_agreement", _("达成书面协议")
        ORAL = "oral_agreement", _("达成口头协议")
        NOT_RESOLVED = "not_resolved", _("未达成协议")

    number = models.CharField(_("编号"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=CaseKind.choices)
    # The unit handling the case now (it moves up on escalation); origin_org is where it was
    # reported, so the reporting village keeps seeing it.
    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("承办组织"), on_delete=models.PROTECT, related_name="cases"
    )
    origin_org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("上报组织"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("家庭"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    reporter_name = models.CharField(_("反映人"), max_length=50, blank=True, default="")
    reporter_phone = EncryptedCharField(_("反映人电话"), blank=True, default="")
    source = models.CharField(_("来源"), max_length=20, default="staff")
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("情况描述"), blank=True, default="")
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.REPORTED
    )
    assignee = models.ForeignKey(
        "people.Person",
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    # The clock: it starts at the report (again at an escalation); due_at is the deadline from
    # the time-limit rule, warn_at the moment only 30 % of the time is left. Stored, so that
    # lists filter and flag cases in SQL.
    clock_started_at = models.DateTimeField(_("计时开始"))
    due_at = models.DateTimeField(_("办理时限"))
    warn_at = models.DateTimeField(_("预警时间"))
    supervision = models.CharField(
        _("督办"), max_length=10, choices=Supervision.choices, default=Supervision.NONE
    )
    outcome = models.CharField(
        _("调解结果"), max_length=20, choices=Outcome.choices, blank=True, default=""
    )
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    # Sensitive (涉及隐私): never named in a report's notable cases. Domestic violence always is.
    # A database default too, so that bulk writers (jinguo generate) need not know the column.
    sensitive = models.BooleanField(_("敏感案件"), default=False, db_default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Made on the phone (crypto.randomUUID) so that a report sent twice is stored once.
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = pgettext_lazy("plural", "案件")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["org", "status"], name="case_org_status"),
            models.Index(fields=["origin_org"], name="case_origin_org"),
            models.Index(fields=["due_at"], name="case_due_at"),
            # The list's order: a page is read off the index rather than by sorting every
            # visible case (a city's 10,000 joined and sorted: 23 ms; off the index: 3 ms).
            models.Index(fields=["-created_at", "-id"], name="case_created"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_high_risk(self) -> bool:
        return self.kind in HIGH_RISK_KINDS

    @property
    def masked_reporter_phone(self) -> str:
        return mask_phone(self.reporter_phone)


class CaseTransition(StatusChange):
    """One row per action on a case: who, when, from → to, and why."""

    class Action(models.TextChoices):
        REPORT = "report", _("上报")
        ACCEPT = "accept", _("受理")
        REJECT = "reject", _("不予受理")
        DISPATCH = "dispatch", _("派单")
        START = "start", _("开始处置")
        DELAY = "delay", _("申请延期")
        RETURN = "return", _("退回")
        RESOLVE = "resolve", _("办结反馈")
        VERIFY = "verify", _("核查")
        CLOSE = "close", _("结案")
        RATE = "rate", _("回访评价")
        ESCALATE = "escalate", _("上报上级")
        SUPERVISE = "supervise", _("督办")
        PARTICIPANT = "participant", _("添加参与执委")
        AGREEMENT = "agreement", _("填写调解协议")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Case.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Case.Status.choices)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="casetransition_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_status}→{self.to_status}"


class CaseParticipant(models.Model):
    """An executive who took part in handling the case (执委参与)."""

    class Role(models.TextChoices):
        MEDIATOR = "mediator", _("调解员")
        ASSISTANT = "assistant", _("协助")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="participants")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="caseparticipant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.person_id} {self.role}"


class MediationAgreement(models.Model):
    """人民调解协议书: the written agreement of a mediated dispute, printed as PDF or Word."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="agreement")
    # One party a line: 姓名，身份，住址 — as the agreement prints them.
    parties = models.TextField(_("当事人"))
    facts = models.TextField(_("纠纷主要事实、争议事项"))
    terms = models.TextField(_("经调解自愿达成的协议"))
    performance = models.TextField(_("履行方式、时限"))
    signed_on = models.DateField(_("签订日期"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("人民调解协议书")
        verbose_name_plural = pgettext_lazy("plural", "人民调解协议书")

    def __str__(self) -> str:
        return f"{self.case_id} {self.signed_on}"

    @property
    def party_lines(self) -> list[str]:
        return [line.strip() for line in self.parties.splitlines() if line.strip()]


class TimeLimitRule(models.Model):
    """How many working days a kind of case may take at a territorial level (null: any)."""

    kind = models.CharField(_("类型"), max_length=20, choices=CaseKind.choices)
    level = models.PositiveSmallIntegerField(
        _("层级"), null=True, blank=True, help_text=_("1 市 … 6 微网格；留空表示任意层级")
    )
    working_days = models.PositiveIntegerField(_("时限（工作日）"))

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = pgettext_lazy("plural", "办理时限")
        ordering = ["kind", "level"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "level"], name="timelimitrule_kind_level")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.level or '*'}: {self.working_days}"


class Holiday(models.Model):
    """A day off on a weekday (节假日), or a weekend day that is a working day (调休)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("调休上班"), default=False)
    name = models.CharField(_("名称"), max_length=50, blank=True, default="")

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = pgettext_lazy("plural", "节假日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


# The statuses in which the clock is running.
OPEN = (Case.Status.REPORTED, Case.Status.ACCEPTED, Case.Status.DISPATCHED, Case.Status.IN_PROGRESS)
HANDLED = (Case.Status.RESOLVED, Case.Status.VERIFIED, Case.Status.CLOSED)

# Which statuses each action may start from.
ALLOWED: dict[str, tuple[str, ...]] = {
    CaseTransition.Action.ACCEPT: (Case.Status.REPORTED,),
    CaseTransition.Action.REJECT: (Case.Status.REPORTED,),
    CaseTransition.Action.DISPATCH: (Case.Status.ACCEPTED,),
    CaseTransition.Action.START: (Case.Status.DISPATCHED,),
    CaseTransition.Action.DELAY: (Case.Status.DISPATCHED, Case.Status.IN_PROGRESS),
    CaseTransition.Action.RETURN: (Case.Status.DISPATCHED, Case.Status.IN_PROGRESS),
    CaseTransition.Action.RESOLVE: (Case.Status.IN_PROGRESS,),
    CaseTransition.Action.VERIFY: (Case.Status.RESOLVED,),
    CaseTransition.Action.CLOSE: (Case.Status.VERIFIED,),
    CaseTransition.Action.RATE: (Case.Status.CLOSED,),
    CaseTransition.Action.ESCALATE: OPEN,
    CaseTransition.Action.SUPERVISE: OPEN,
    CaseTransition.Action.PARTICIPANT: (*OPEN, *HANDLED),
    CaseTransition.Action.AGREEMENT: (Case.Status.IN_PROGRESS, *HANDLED, Case.Status.RATED),
}

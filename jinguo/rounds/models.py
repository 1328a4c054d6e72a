"""Report rounds (报送任务, «一表通»): a unit asks the units below it for a work report or a form of
figures for a period by a deadline; each target unit answers from the records it keeps (figures
filled, words drafted), submits a frozen version, and the unit above approves or returns it.

A Round belongs to the unit that issues it; a Target is one unit that must answer; a Submission
is one frozen version of a target's answer (figures, words, answers, who, when), reviewed once.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.models import ChangeRow


class Round(models.Model):
    class Kind(models.TextChoices):
        WORK_REPORT = "work_report", _("工作总结")
        FORM = "form", _("数据报表")

    class Status(models.TextChoices):
        OPEN = "open", _("报送中")
        CLOSED = "closed", _("已结束")

    class Photos(models.TextChoices):
        NONE = "none", _("不需要")
        OPTIONAL = "optional", _("可附照片")
        REQUIRED = "required", _("须附照片")

    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("发起单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("任务名称"), max_length=100)
    kind = models.CharField(_("报送内容"), max_length=20, choices=Kind.choices)
    start = models.DateField(_("统计期间开始"))
    end = models.DateField(_("统计期间结束"))
    deadline = models.DateField(_("报送截止日期"))
    # A form's figures (keys of the report sections' figures, in order) and free-text questions.
    figure_keys = models.JSONField(default=list, blank=True)
    questions = models.JSONField(default=list, blank=True)
    note = models.TextField(_("报送要求"), blank=True, default="")
    photos = models.CharField(
        _("请附照片"), max_length=20, choices=Photos.choices, default=Photos.NONE
    )
    # The paragraphs the issuing unit chose to quote in its consolidated report, in order:
    # {"submission", "part", "index", "text"} (jinguo.rounds.quoting). Empty: chosen for it.
    quotes = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("报送任务")
        verbose_name_plural = pgettext_lazy("plural", "报送任务")
        ordering = ["-deadline", "-id"]
        indexes = [models.Index(fields=["org", "-deadline"], name="round_org_deadline")]

    def __str__(self) -> str:
        return self.title


class Target(models.Model):
    """A unit that must answer the round, and where its answer stands."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待报送")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已通过")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="targets")
    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # The values filled from the records (key → {"value", "order"}), when last filled
    # (filling.values_only): the pages read the live figures, a submission freezes them whole.
    figures = models.JSONField(default=dict, blank=True)
    filled_at = models.DateTimeField(null=True, blank=True)
    # The words as the unit has edited them so far (part key → paragraphs) and its answers.
    draft = models.JSONField(default=dict, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round_id", "org__path"]
        constraints = [models.UniqueConstraint(fields=["round", "org"], name="target_round_org")]
        indexes = [models.Index(fields=["org", "status"], name="target_org_status")]

    def __str__(self) -> str:
        return f"{self.round_id} {self.org_id} {self.status}"


class Submission(models.Model):
    """One frozen version of a target's answer; a resubmission is a new version."""

    class Review(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="submissions")
    version = models.PositiveIntegerField()
    # key → {"label", "value", "unit"} as the records gave them when submitted.
    figures = models.JSONField(default=dict)
    # The work report as submitted (jinguo.rounds.frozen), and the answers to the questions.
    report = models.JSONField(default=dict, blank=True)
    answers = models.JSONField(default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    review = models.CharField(max_length=20, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True, default="")

    class Meta:
        ordering = ["target_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["target", "version"], name="submission_version")
        ]

    def __str__(self) -> str:
        return f"{self.target_id} v{self.version} {self.review}"


class TargetPhoto(models.Model):
    """A photo attached to a target's draft; submitting copies the draft's photos into the
    version (SubmissionPhoto, the same stored file), so removing one later changes no version.
    The file is encrypted at rest (jinguo.common.storage) and served by a scoped view."""

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(_("照片"), upload_to="rounds/%Y/%m/", max_length=200)
    caption = models.CharField(_("照片说明"), max_length=100, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.target_id} {self.file.name}"


class SubmissionPhoto(models.Model):
    """A photo of a frozen version, in the order the draft had them."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="photos")
    position = models.PositiveSmallIntegerField()
    file = models.FileField(_("照片"), upload_to="rounds/%Y/%m/", max_length=200)
    caption = models.CharField(_("照片说明"), max_length=100, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["submission_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "position"], name="submissionphoto_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} #{self.position} {self.file.name}"


class RoundChange(ChangeRow):
    """History of a round and its targets: who, when, old → new."""

    class Action(models.TextChoices):
        CREATE = "create", _("发起报送")
        SAVE = "save", _("保存草稿")
        SUBMIT = "submit", _("报送")
        APPROVE = "approve", _("审核通过")
        RETURN = "return", _("退回")
        REMIND = "remind", _("催报")
        CLOSE = "close", _("结束报送")
        PHOTO_ADD = "photo_add", _("添加照片")
        PHOTO_REMOVE = "photo_remove", _("删除照片")
        QUOTE = "quote", _("选定引用段落")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="changes")
    target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    action = models.CharField(max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["round", "-at"], name="roundchange_round_at")]

    def __str__(self) -> str:
        return f"{self.round_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

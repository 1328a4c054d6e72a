"""Notices and tasks from above (通知、任务): a unit's cadre sends them to units below her unit
(all of them, one level, or chosen ones) or, for a task, to named executives.

A Notice is read per unit (NoticeTarget: read when someone of that unit first opened it); a Task
is answered per recipient (TaskRecipient: a unit, or one person) with a return: text, photos
(TaskPhoto) and links to records made for it (a visit, a meeting, an activity). Report rounds
(jinguo.rounds) are listed beside tasks as a kind of their own."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.models import ChangeRow
from jinguo.rounds.models import Round


class Audience(models.TextChoices):
    ALL = "all", _("全部下级单位")
    LEVEL = "level", _("某一层级")
    CHOSEN = "chosen", _("选定单位")
    PEOPLE = "people", _("指定执委")


class Notice(models.Model):
    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("发文单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    audience = models.CharField(_("发送范围"), max_length=10, choices=Audience.choices)
    # The level chosen (an orgs Kind) when audience is LEVEL.
    level = models.CharField(_("层级"), max_length=20, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = pgettext_lazy("plural", "通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "-created_at"], name="notice_org_created")]

    def __str__(self) -> str:
        return self.title


class NoticeAttachment(models.Model):
    """A file sent with a notice, encrypted at rest (jinguo.common.storage), served scoped."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("附件"), upload_to="notices/%Y/%m/", max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["notice_id", "id"]

    def __str__(self) -> str:
        return self.name


class NoticeTarget(models.Model):
    """A unit the notice was sent to, and whether (when, by whom) it has been read there."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="targets")
    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["notice_id", "org__path"]
        constraints = [models.UniqueConstraint(fields=["notice", "org"], name="noticetarget_once")]
        indexes = [models.Index(fields=["org", "read_at"], name="noticetarget_org_read")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.org_id}"


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    # Whether the return needs photos: the same choice a report round asks.
    Photos = Round.Photos

    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("发起单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("任务名称"), max_length=100)
    body = models.TextField(_("任务要求"))
    deadline = models.DateField(_("完成期限"))
    audience = models.CharField(_("发送范围"), max_length=10, choices=Audience.choices)
    level = models.CharField(_("层级"), max_length=20, blank=True, default="")
    photos = models.CharField(
        _("请附照片"), max_length=20, choices=Photos.choices, default=Photos.OPTIONAL
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = pgettext_lazy("plural", "任务")
        ordering = ["-deadline", "-id"]
        indexes = [models.Index(fields=["org", "-deadline"], name="task_org_deadline")]

    def __str__(self) -> str:
        return self.title


class TaskRecipient(models.Model):
    """Who must do the task: a unit (user empty), or a named executive (user, at her unit)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("未完成")
        DONE = "done", _("已完成")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="recipients")
    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # The return: what was done, and the records made for it ([{"kind", "id"}], kinds visit,
    # meeting, activity), checked against the returner's scope when saved.
    text = models.TextField(_("完成情况"), blank=True, default="")
    records = models.JSONField(default=list, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["task_id", "org__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "org"], condition=Q(user=None), name="taskrecipient_unit_once"
            ),
            models.UniqueConstraint(
                fields=["task", "user"],
                condition=Q(user__isnull=False),
                name="taskrecipient_person_once",
            ),
        ]
        indexes = [
            models.Index(fields=["org", "status"], name="taskrecipient_org_status"),
            models.Index(fields=["user", "status"], name="taskrecipient_user_status"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.org_id} {self.user_id or ''} {self.status}"


class TaskPhoto(models.Model):
    recipient = models.ForeignKey(TaskRecipient, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(_("照片"), upload_to="tasks/%Y/%m/", max_length=200)
    caption = models.CharField(_("照片说明"), max_length=100, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recipient_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.file.name}"


class NoticeChange(ChangeRow):
    class Action(models.TextChoices):
        SEND = "send", _("发送通知")
        READ = "read", _("已读")
        REMIND = "remind", _("提醒未读")

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="changes")
    target = models.ForeignKey(
        NoticeTarget, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    action = models.CharField(max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["-at", "-id"]


class TaskChange(ChangeRow):
    class Action(models.TextChoices):
        CREATE = "create", _("发布任务")
        RETURN = "return", _("反馈完成")
        REOPEN = "reopen", _("退回重做")
        PHOTO_ADD = "photo_add", _("添加照片")
        PHOTO_REMOVE = "photo_remove", _("删除照片")
        REMIND = "remind", _("催办")
        CLOSE = "close", _("结束任务")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="changes")
    recipient = models.ForeignKey(
        TaskRecipient, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    action = models.CharField(max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["-at", "-id"]

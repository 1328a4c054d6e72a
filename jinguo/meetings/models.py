"""Deliberation meetings (议事协商): 妇女议事会, 执委会, 民主协商会, 一季一议事.

A meeting has an agenda of topics (议题); a topic may produce resolutions (决议), which are
adopted at the meeting, forwarded to the village committees (两委) and followed to done. Every
status change writes a MeetingChange or ResolutionChange row and an audit row (see services).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.models import StatusChange


class MeetingKind(models.TextChoices):
    WOMEN_COUNCIL = "women_council", _("妇女议事会")
    EXECUTIVE_COMMITTEE = "executive_committee", _("执委会")
    DEMOCRATIC_CONSULTATION = "democratic_consultation", _("民主协商会")
    QUARTERLY = "quarterly", _("一季一议事")


# Kinds whose meetings appear on the public notice page unless the chair says otherwise.
PUBLIC_BY_DEFAULT = (MeetingKind.WOMEN_COUNCIL, MeetingKind.QUARTERLY)


class Meeting(models.Model):
    Kind = MeetingKind

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划")
        HELD = "held", _("已召开")
        CANCELLED = "cancelled", _("已取消")

    org = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("召开组织"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    kind = models.CharField(_("会议类型"), max_length=30, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=100)
    planned_at = models.DateTimeField(_("计划时间"))
    place = models.ForeignKey(
        "orgs.Venue",
        verbose_name=_("地点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    held_on = models.DateField(_("召开日期"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=500, blank=True, default="")
    # Minutes are for logged-in users in scope; the public notice shows public_summary only.
    minutes = models.TextField(_("会议纪要"), blank=True, default="")
    public_summary = models.TextField(_("公示摘要"), blank=True, default="")
    is_public = models.BooleanField(_("公示"), default=True)
    attendee_count = models.PositiveIntegerField(_("参会人数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("议事会议")
        verbose_name_plural = pgettext_lazy("plural", "议事会议")
        ordering = ["-planned_at", "-id"]
        indexes = [
            models.Index(fields=["org", "status"], name="meeting_org_status"),
            models.Index(fields=["held_on"], name="meeting_held_on"),
            models.Index(fields=["planned_at"], name="meeting_planned_at"),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingAttendee(models.Model):
    class Role(models.TextChoices):
        EXECUTIVE = "executive", _("执委")
        RESIDENT = "resident", _("群众代表")
        GUEST = "guest", _("列席")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendees")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("身份"), max_length=20, choices=Role.choices)
    attended = models.BooleanField(_("出席"), default=False)

    class Meta:
        verbose_name = _("参会人员")
        verbose_name_plural = pgettext_lazy("plural", "参会人员")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meetingattendee_unique")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.person_id} {self.role}"


class MeetingChange(StatusChange):
    """One row per change to a meeting: planned, edited, held, cancelled, a topic added."""

    class Action(models.TextChoices):
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        HOLD = "hold", _("记录召开")
        CANCEL = "cancel", _("取消")
        TOPIC = "topic", _("添加议题")
        TOPIC_UPDATE = "topic_update", _("修改议题")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(
        max_length=20, choices=Meeting.Status.choices, blank=True, default=""
    )
    to_status = models.CharField(max_length=20, choices=Meeting.Status.choices)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["meeting", "at"], name="meetingchange_meeting_at")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.action} {self.from_status}→{self.to_status}"


class Topic(models.Model):
    """议题: an item on the agenda, who raised it, and what was said about it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(_("议题"), max_length=200)
    raised_by = models.ForeignKey(
        "people.Person",
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    discussion = models.TextField(_("意见与讨论"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = pgettext_lazy("plural", "议题")
        ordering = ["meeting_id", "id"]

    def __str__(self) -> str:
        return self.title


class Resolution(models.Model):
    """决议: proposed at the meeting, adopted or rejected there; an adopted one goes to the
    village committees (两委), which carry it out (or decline it)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("提议")
        ADOPTED = "adopted", _("会议通过")
        REJECTED = "rejected", _("未通过")
        FORWARDED = "forwarded", _("已提交两委")
        IN_PROGRESS = "in_progress", _("落实中")
        DONE = "done", _("已落实")
        NOT_ADOPTED = "not_adopted", _("两委未采纳")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="resolutions")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="resolutions")
    content = models.TextField(_("决议内容"))
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    forwarded_on = models.DateField(_("提交两委日期"), null=True, blank=True)
    forwarded_to = models.CharField(_("提交至"), max_length=100, blank=True, default="")
    done_on = models.DateField(_("落实日期"), null=True, blank=True)
    result = models.TextField(_("落实结果"), blank=True, default="")
    reason = models.CharField(_("原因"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = pgettext_lazy("plural", "决议")
        ordering = ["meeting_id", "id"]
        indexes = [models.Index(fields=["meeting", "status"], name="resolution_meeting_status")]

    def __str__(self) -> str:
        return self.content[:50]


class ResolutionChange(StatusChange):
    class Action(models.TextChoices):
        PROPOSE = "propose", _("提出决议")
        ADOPT = "adopt", _("会议通过")
        REJECT = "reject", _("未通过")
        FORWARD = "forward", _("提交两委")
        START = "start", _("开始落实")
        COMPLETE = "complete", _("落实完成")
        DECLINE = "decline", _("两委未采纳")

    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(
        max_length=20, choices=Resolution.Status.choices, blank=True, default=""
    )
    to_status = models.CharField(max_length=20, choices=Resolution.Status.choices)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["resolution", "at"], name="reschange_resolution_at")]

    def __str__(self) -> str:
        return f"{self.resolution_id} {self.action} {self.from_status}→{self.to_status}"

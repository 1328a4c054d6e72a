"""What reaches a person (消息): every message lands in her in-app inbox (the bell), and goes out
by the outward channels she chose (SMS, 企业微信), one Delivery per channel with its state.

A Message is written once per person and source (`source`: what caused it, e.g. "notice:12",
"digest:2026-12-07"), so sending again never doubles it. Notices, tasks, rounds and the daily
reminders all send through inbox.services.messages_send."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Message(models.Model):
    class Kind(models.TextChoices):
        NOTICE = "notice", _("通知")
        TASK = "task", _("任务")
        ROUND = "round", _("报送任务")
        REMIND = "remind", _("催办")
        DIGEST = "digest", _("每日提醒")
        SYSTEM = "system", _("系统消息")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    # What caused it, unique per recipient: sending the same source again adds nothing.
    source = models.CharField(max_length=100)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True, default="")
    # The page it is about (a path of this site), and a digest's items, each with its own link:
    # [{"kind": ..., "text": ..., "link": ...}].
    link = models.CharField(max_length=300, blank=True, default="")
    items = models.JSONField(default=list, blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    org = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("发送单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = pgettext_lazy("plural", "消息")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "source"], name="message_once")]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="message_inbox"),
            models.Index(fields=["recipient", "read_at"], name="message_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.source}"


class Delivery(models.Model):
    """One message by one outward channel, and where it stands."""

    class Channel(models.TextChoices):
        SMS = "sms", _("短信")
        WECOM = "wecom", _("企业微信")

    class State(models.TextChoices):
        QUEUED = "queued", _("待发送")
        # Claimed by one worker (a conditional UPDATE sets it with that worker's `claim`).
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        RETRYING = "retrying", _("重试中")
        FAILED = "failed", _("发送失败")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    state = models.CharField(
        _("发送状态"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # Why the last attempt failed, in words a cadre reads (the gateway's code kept).
    error = models.CharField(_("失败原因"), max_length=300, blank=True, default="")
    # Not before this time (quiet hours); None: as soon as possible.
    not_before = models.DateTimeField(null=True, blank=True)
    # The gateway's id of the message (SMS BizId, 企业微信 msgid).
    provider_ref = models.CharField(max_length=100, blank=True, default="")
    # The token of the job that claimed it (inbox.delivery.claim): two workers never send one.
    claim = models.CharField(max_length=32, blank=True, default="")
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("消息发送")
        verbose_name_plural = pgettext_lazy("plural", "消息发送")
        ordering = ["message_id", "channel"]
        constraints = [models.UniqueConstraint(fields=["message", "channel"], name="delivery_once")]
        indexes = [models.Index(fields=["state", "not_before"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.channel} {self.state}"


class Preference(models.Model):
    """A person's own choice: which outward channels, and when not to be disturbed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="inbox_preference",
    )
    sms = models.BooleanField(_("短信"), default=False)
    wecom = models.BooleanField(_("企业微信"), default=False)
    # Her user id in the 企业微信/政务微信 organisation (touser); empty: her account name.
    wecom_user = models.CharField(_("企业微信账号"), max_length=64, blank=True, default="")
    quiet_start = models.TimeField(_("免打扰开始"), default=dt.time(21, 0))
    quiet_end = models.TimeField(_("免打扰结束"), default=dt.time(7, 30))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("消息设置")
        verbose_name_plural = pgettext_lazy("plural", "消息设置")

    def __str__(self) -> str:
        return f"{self.user_id}"

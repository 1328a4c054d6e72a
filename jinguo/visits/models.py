"""Visits (走访) to households and wishes (微心愿) collected on the way."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.models import StatusChange


def _today() -> dt.date:
    return timezone.localdate()


class Channel(models.TextChoices):
    HOME = "home", _("入户")
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    ACTIVITY = "activity", _("活动")


class ServiceKind(models.TextChoices):
    POLICY = "policy", _("政策宣传")
    LEGAL = "legal", _("法律咨询")
    MATERNAL_CHILD_HEALTH = "maternal_child_health", _("妇幼健康")
    FAMILY_EDUCATION = "family_education", _("家庭教育")
    CARE = "care", _("关爱慰问")
    EPIDEMIC = "epidemic", _("防疫通知")
    FLOATING_REGISTRATION = "floating_registration", _("流动人口登记")
    OTHER = "other", _("其他")


class Visit(models.Model):
    """One contact with a household. `org` is the household's grid on the day, kept so that
    scope and roll-ups still count the visit where it happened after the household moves."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="visits"
    )
    # Null when the visitor (a cadre) has no person record.
    executive = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="visits")
    channel = models.CharField(_("走访方式"), max_length=20, choices=Channel.choices)
    services = models.JSONField(_("服务内容"), default=list, blank=True)
    note = models.TextField(_("备注"), blank=True, default="")
    photo = models.FileField(_("照片"), upload_to="visits/%Y/%m/", blank=True, default="")
    visited_on = models.DateField(_("走访日期"), default=_today)
    # The case opened on the spot during this visit, if any.
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    # Made on the phone (crypto.randomUUID) so that a visit sent twice is stored once.
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = pgettext_lazy("plural", "走访记录")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["household", "visited_on"], name="visit_household_date"),
            models.Index(fields=["org", "visited_on"], name="visit_org_date"),
            # The visit list's order: its first page walks this index instead of sorting a
            # year of visits.
            models.Index(fields=["-visited_on", "-id"], name="visit_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_on}"

    @property
    def service_labels(self) -> list[str]:
        labels = dict(ServiceKind.choices)
        return [str(labels.get(code, code)) for code in self.services]


class Wish(models.Model):
    """微心愿: collected from a family, claimed by a donor, fulfilled with evidence."""

    class Category(models.TextChoices):
        LIVING = "living", _("生活")
        STUDY = "study", _("学习")
        EMPLOYMENT = "employment", _("就业")
        MEDICAL = "medical", _("医疗")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        COLLECTED = "collected", _("已收集")
        CLAIMED = "claimed", _("已认领")
        FULFILLED = "fulfilled", _("已实现")
        CANCELLED = "cancelled", _("已取消")

    org = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="wishes")
    household = models.ForeignKey(
        "households.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wishes",
    )
    content = models.CharField(_("心愿内容"), max_length=500)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.COLLECTED
    )
    donor_name = models.CharField(_("认领单位或个人"), max_length=100, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    evidence_note = models.TextField(_("实现情况"), blank=True, default="")
    evidence_file = models.FileField(
        _("佐证照片"), upload_to="visits/wishes/%Y/%m/", blank=True, default=""
    )
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Made on the phone (crypto.randomUUID) so that a wish sent twice is stored once.
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = pgettext_lazy("plural", "微心愿")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "status"], name="wish_org_status")]

    def __str__(self) -> str:
        return self.content[:30]


class WishChange(StatusChange):
    """Every transition of a wish: who, when, from → to."""

    wish = models.ForeignKey(Wish, on_delete=models.PROTECT, related_name="changes")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.wish_id} {self.from_status}→{self.to_status}"

"""Families and individuals honoured (最美家庭, 五好文明家庭, 三八红旗手…).

A nomination (nominated) is approved, rejected or, once approved, revoked; every change is an
HonourChange row. Who may approve depends on the honour's level: see services.HONOUR_ORG_LEVEL.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.models import StatusChange


class HonourLevel(models.TextChoices):
    VILLAGE = "village", _("村级")
    TOWNSHIP = "township", _("乡镇级")
    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("全国")


class HonourStatus(models.TextChoices):
    NOMINATED = "nominated", _("已推荐")
    APPROVED = "approved", _("已授予")
    REJECTED = "rejected", _("未通过")
    REVOKED = "revoked", _("已撤销")


class FamilyTitle(models.TextChoices):
    MOST_BEAUTIFUL = "most_beautiful", _("最美家庭")
    FIVE_GOOD = "five_good", _("五好文明家庭")
    CHARACTERISTIC = "characteristic", _("特色家庭")
    MODEL = "model", _("示范家庭")
    OTHER = "other", _("其他")


class IndividualTitle(models.TextChoices):
    MARCH8_RED_FLAG = "march8_red_flag", _("三八红旗手")
    EXCELLENT_EXECUTIVE = "excellent_executive", _("最美执委")
    CONTRIBUTION_PACESETTER = "contribution_pacesetter", _("巾帼建功标兵")
    OTHER = "other", _("其他")


class _Honour(models.Model):
    """What both kinds of honour share: where, which level and year, and the workflow."""

    Status = HonourStatus
    Level = HonourLevel

    level = models.CharField(_("级别"), max_length=20, choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    other_title = models.CharField(_("其他称号名称"), max_length=50, blank=True, default="")
    deeds = models.TextField(_("事迹"), blank=True, default="")
    status = models.CharField(
        _("状态"), max_length=20, choices=HonourStatus.choices, default=HonourStatus.NOMINATED
    )
    awarded_on = models.DateField(_("授予日期"), null=True, blank=True)
    reason = models.CharField(_("理由"), max_length=500, blank=True, default="")
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Each kind declares its own `title` field, with its own choices (and get_title_display).
    title: str
    get_title_display: Callable[[], str]

    class Meta:
        abstract = True

    @property
    def title_label(self) -> str:
        if self.title == "other" and self.other_title:
            return self.other_title
        return str(self.get_title_display())


class FamilyHonour(_Honour):
    Title = FamilyTitle

    org = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("所在组织"),
        on_delete=models.PROTECT,
        related_name="family_honours",
    )
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("家庭"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honours",
    )
    family_name = models.CharField(_("家庭名称"), max_length=50)
    title = models.CharField(_("称号"), max_length=30, choices=FamilyTitle.choices)
    theme = models.CharField(
        _("特色主题"), max_length=20, blank=True, default="", help_text=_("书香、廉洁、绿色、平安…")
    )

    class Meta:
        verbose_name = _("家庭荣誉")
        verbose_name_plural = pgettext_lazy("plural", "家庭荣誉")
        ordering = ["-year", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["org", "status"], name="familyhonour_org_status"),
            models.Index(fields=["awarded_on"], name="familyhonour_awarded_on"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name} {self.title_label} {self.year}"

    @property
    def kind(self) -> str:
        return "family"

    @property
    def name(self) -> str:
        return self.family_name


class IndividualHonour(_Honour):
    Title = IndividualTitle

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("获奖人"),
        on_delete=models.PROTECT,
        related_name="honours",
    )
    org = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("所在组织"),
        on_delete=models.PROTECT,
        related_name="individual_honours",
    )
    title = models.CharField(_("称号"), max_length=30, choices=IndividualTitle.choices)

    class Meta:
        verbose_name = _("个人荣誉")
        verbose_name_plural = pgettext_lazy("plural", "个人荣誉")
        ordering = ["-year", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["org", "status"], name="indivhonour_org_status"),
            models.Index(fields=["awarded_on"], name="indivhonour_awarded_on"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.title_label} {self.year}"

    @property
    def kind(self) -> str:
        return "individual"

    @property
    def name(self) -> str:
        return self.person.name


class HonourChange(StatusChange):
    """One row per status change of an honour (exactly one of the two honour links is set)."""

    class Action(models.TextChoices):
        NOMINATE = "nominate", _("推荐")
        APPROVE = "approve", _("授予")
        REJECT = "reject", _("不予通过")
        REVOKE = "revoke", _("撤销")

    family_honour = models.ForeignKey(
        FamilyHonour, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    individual_honour = models.ForeignKey(
        IndividualHonour, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=HonourStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=HonourStatus.choices)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(family_honour__isnull=False, individual_honour__isnull=True)
                    | models.Q(family_honour__isnull=True, individual_honour__isnull=False)
                ),
                name="honourchange_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

"""Duty points (履职积分), the love bank (爱心银行) and 最美执委 nominations.

The ledger (PointEntry) is append-only: the model refuses updates and deletes, like the audit
log, and the services only ever add rows. An earn entry is PENDING until an approve or a reject
entry refers to it; the balance is the sum of the amounts of approve, redeem, expire, correct
and appeal_accept entries — derived, never stored. PointAccount exists only as the row that
concurrent writers of one person's points lock.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.models import ChangeRow, StatusChange


class Action(models.TextChoices):
    VISIT = "visit", _("入户走访")
    CASE_RESOLVED = "case_resolved", _("办结案件")
    CASE_PARTICIPATION = "case_participation", _("参与化解纠纷")
    MEETING_ATTENDANCE = "meeting_attendance", _("参加会议")
    TRAINING_ATTENDANCE = "training_attendance", _("参加培训")
    # Per record (one service record = one earn), not per hour.
    VOLUNTEER_SERVICE = "volunteer_service", _("志愿服务")
    MANUAL_BONUS = "manual_bonus", _("表彰加分")


class CapPeriod(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


class PointRule(models.Model):
    """How many points an action earns at `org` and below (the nearest ancestor's rule wins)."""

    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("履职事项"), max_length=30, choices=Action.choices)
    points = models.PositiveIntegerField(_("积分"))
    cap = models.PositiveIntegerField(
        _("积分上限"), null=True, blank=True, help_text=_("每人每周期最多获得的积分；留空不限")
    )
    cap_period = models.CharField(
        _("上限周期"), max_length=10, choices=CapPeriod.choices, default=CapPeriod.MONTH
    )
    # Territorial level of the unit whose cadre approves (4 = the village/community).
    approver_level = models.PositiveSmallIntegerField(_("审核层级"), default=4)
    is_active = models.BooleanField(_("启用"), default=True)
    valid_from = models.DateField(_("生效日期"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = pgettext_lazy("plural", "积分规则")
        ordering = ["org__path", "action"]
        constraints = [
            models.UniqueConstraint(fields=["org", "action"], name="pointrule_org_action"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.action} {self.points}"


class RuleChange(ChangeRow):
    rule = models.ForeignKey(PointRule, on_delete=models.PROTECT, related_name="changes")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.action}"


class PointAccount(models.Model):
    """The lock target of one person's points. It stores no balance."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="point_account"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.person_id)


class AppendOnlyError(Exception):
    pass


class PointEntryQuerySet(models.QuerySet["PointEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the points ledger is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("the points ledger is append-only")


class Kind(models.TextChoices):
    EARN = "earn", _("获得（待审核）")
    APPROVE = "approve", _("审核通过")
    REJECT = "reject", _("审核不通过")
    REDEEM = "redeem", _("兑换")
    EXPIRE = "expire", _("到期清零")
    CORRECT = "correct", _("更正")
    APPEAL = "appeal", _("申诉")
    APPEAL_ACCEPT = "appeal_accept", _("申诉成立")
    APPEAL_REJECT = "appeal_reject", _("申诉驳回")


# The kinds whose amounts make the balance.
BALANCE_KINDS = (Kind.APPROVE, Kind.REDEEM, Kind.EXPIRE, Kind.CORRECT, Kind.APPEAL_ACCEPT)
EARNED_KINDS = (Kind.APPROVE, Kind.APPEAL_ACCEPT)  # "approved points" of a period


class PointEntry(models.Model):
    Kind = Kind

    person = models.ForeignKey(
        "people.Person", verbose_name=_("执委"), on_delete=models.PROTECT, related_name="+"
    )
    # Where the points were earned (the fact's unit) or spent (the item's unit).
    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    action = models.CharField(
        _("履职事项"), max_length=30, choices=Action.choices, blank=True, default=""
    )
    source_id = models.CharField(_("来源记录"), max_length=40, blank=True, default="")
    amount = models.IntegerField(_("积分"))
    # The day the points belong to: the fact's day for earn/approve/reject, else the entry's.
    day = models.DateField(_("日期"))
    ref = models.ForeignKey(
        "self",
        verbose_name=_("关联条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followers",
    )
    rule = models.ForeignKey(
        PointRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The unit whose cadre decides (earn: from the rule; correct: the corrector's unit).
    approver_org = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    capped = models.BooleanField(_("超出上限"), default=False)
    reason = models.CharField(_("理由"), max_length=500, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PointEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分明细")
        verbose_name_plural = pgettext_lazy("plural", "积分明细")
        ordering = ["-day", "-id"]
        indexes = [
            models.Index(fields=["person", "kind"], name="pointentry_person_kind"),
            models.Index(fields=["org", "day"], name="pointentry_org_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "source_id", "person"],
                condition=Q(kind="earn"),
                name="pointentry_earn_unique",
            ),
            models.UniqueConstraint(
                fields=["ref"],
                condition=Q(kind__in=["approve", "reject"]),
                name="pointentry_one_decision",
            ),
            models.UniqueConstraint(
                fields=["ref"], condition=Q(kind="appeal"), name="pointentry_one_appeal"
            ),
            models.UniqueConstraint(
                fields=["ref"],
                condition=Q(kind__in=["appeal_accept", "appeal_reject"]),
                name="pointentry_one_ruling",
            ),
            models.UniqueConstraint(
                fields=["person", "day"], condition=Q(kind="expire"), name="pointentry_one_expiry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the points ledger is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the points ledger is append-only")


class LoveBankItem(models.Model):
    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("爱心银行"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("物品"), max_length=100)
    price = models.PositiveIntegerField(_("兑换积分"))
    stock = models.PositiveIntegerField(_("库存"), default=0)
    is_active = models.BooleanField(_("上架"), default=True)
    photo = models.FileField(_("照片"), upload_to="points/items/%Y/", blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("爱心银行物品")
        verbose_name_plural = pgettext_lazy("plural", "爱心银行物品")
        ordering = ["org__path", "price", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=1), name="lovebankitem_price_min"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="lovebankitem_stock_min"),
        ]

    def __str__(self) -> str:
        return self.name


class LoveBankItemChange(ChangeRow):
    item = models.ForeignKey(LoveBankItem, on_delete=models.PROTECT, related_name="changes")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action}"


class Redemption(models.Model):
    item = models.ForeignKey(
        LoveBankItem, verbose_name=_("物品"), on_delete=models.PROTECT, related_name="redemptions"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("执委"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("数量"))
    points = models.PositiveIntegerField(_("积分"))
    entry = models.OneToOneField(PointEntry, on_delete=models.PROTECT, related_name="redemption")
    voucher = models.CharField(_("兑换券号"), max_length=10, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    handed_over_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("兑换记录")
        verbose_name_plural = pgettext_lazy("plural", "兑换记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.voucher


class Nomination(models.Model):
    class Status(models.TextChoices):
        NOMINATED = "nominated", _("已提名")
        SHORTLISTED = "shortlisted", _("入围")
        SELECTED = "selected", _("当选")
        NOT_SELECTED = "not_selected", _("未当选")

    year = models.PositiveSmallIntegerField(_("年度"))
    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("推荐组织"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("执委"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("推荐理由"))
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.NOMINATED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("最美执委推荐")
        verbose_name_plural = pgettext_lazy("plural", "最美执委推荐")
        ordering = ["-year", "org__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "person"], name="nomination_year_person"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.person_id}"


class NominationChange(StatusChange):
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="changes")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.nomination_id} {self.from_status}→{self.to_status}"

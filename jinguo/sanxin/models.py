"""三新 organisation building (两库两册): the information base of new economic and social
organisations and new employment groups (SanxinOrg), the base of their workers (SanxinWorker;
its women are the women roster), the roster of exemplary women (ExemplaryWoman), and targets
per org and period (SanxinTarget). Every change leaves a history row and an audit row."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.fields import EncryptedCharField
from jinguo.common.models import ChangeRow
from jinguo.orgs.kinds import Kind
from jinguo.people.masking import mask_phone


class Category(models.TextChoices):
    NEW_ECONOMIC = "new_economic", _("新经济组织")
    NEW_SOCIAL = "new_social", _("新社会组织")
    NEW_EMPLOYMENT = "new_employment", _("新就业群体")


class Sector(models.TextChoices):
    DELIVERY = "delivery", _("外卖配送")
    COURIER = "courier", _("快递物流")
    RIDE_HAILING = "ride_hailing", _("网约车")
    LIVE_COMMERCE = "live_commerce", _("直播电商")
    TRUCK_DRIVER = "truck_driver", _("货车司机（卡嫂）")
    INTERNET = "internet", _("互联网企业")
    PRIVATE_ENTERPRISE = "private_enterprise", _("非公企业")
    SOCIAL_ORG = "social_org", _("社会组织")
    LAW_ACCOUNTING = "law_accounting", _("律师/会计事务所")
    OTHER = "other", _("其他")


NEW_EMPLOYMENT_SECTORS = (
    Sector.DELIVERY,
    Sector.COURIER,
    Sector.RIDE_HAILING,
    Sector.LIVE_COMMERCE,
    Sector.TRUCK_DRIVER,
)
# The sectors each category may go with: new employment groups are the platform workers only.
CATEGORY_SECTORS: dict[str, tuple[str, ...]] = {
    Category.NEW_EMPLOYMENT: NEW_EMPLOYMENT_SECTORS,
    Category.NEW_ECONOMIC: (
        *NEW_EMPLOYMENT_SECTORS,
        Sector.INTERNET,
        Sector.PRIVATE_ENTERPRISE,
        Sector.OTHER,
    ),
    Category.NEW_SOCIAL: (Sector.SOCIAL_ORG, Sector.LAW_ACCOUNTING, Sector.OTHER),
}
# "外卖、快递物流、直播电商" as the federation's reports count them.
LOGISTICS_SECTORS = (Sector.DELIVERY, Sector.COURIER, Sector.LIVE_COMMERCE)
# The kind of women's federation an organisation of each category sets up.
FEDERATION_KIND: dict[str, str] = {
    Category.NEW_ECONOMIC: Kind.NEW_ECONOMIC,
    Category.NEW_SOCIAL: Kind.NEW_SOCIAL,
    Category.NEW_EMPLOYMENT: Kind.NEW_EMPLOYMENT,
}


class SanxinOrg(models.Model):
    """An organisation of the 三新 sectors registered under a territorial unit or an industry
    federation (信息库). Its women's federation, once set up, is an OrgUnit of the tree."""

    Category = Category
    Sector = Sector

    org = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("登记组织"),
        on_delete=models.PROTECT,
        related_name="sanxin_orgs",
    )
    name = models.CharField(_("名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, default="")
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    sector = models.CharField(_("行业"), max_length=20, choices=Sector.choices)
    workers = models.PositiveIntegerField(_("从业人员数"), default=0)
    women_workers = models.PositiveIntegerField(_("女性从业人员数"), default=0)
    has_party_org = models.BooleanField(_("已建党组织"), default=False)
    federation = models.OneToOneField(
        "orgs.OrgUnit",
        verbose_name=_("妇联组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sanxin_org",
    )
    federation_established_on = models.DateField(_("妇联建立日期"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True, default="")
    contact_phone = EncryptedCharField(_("联系电话"), blank=True, default="")
    address = models.CharField(_("地址"), max_length=200, blank=True, default="")
    registered_on = models.DateField(_("登记日期"))
    is_active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("三新组织")
        verbose_name_plural = pgettext_lazy("plural", "三新组织")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="sanxinorg_credit_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(women_workers__lte=F("workers")), name="sanxinorg_women_lte_workers"
            ),
        ]
        indexes = [
            models.Index(fields=["org", "category"], name="sanxinorg_org_category"),
            models.Index(fields=["federation_established_on"], name="sanxinorg_established"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_federation(self) -> bool:
        return self.federation_id is not None

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)


class SanxinOrgChange(ChangeRow):
    """History of a registered organisation: its record, its federation and its workers."""

    class Action(models.TextChoices):
        CREATE = "create", _("登记")
        UPDATE = "update", _("修改")
        ESTABLISH = "establish_federation", _("建立妇联")
        WORKER_ADD = "worker_add", _("工作者入库")
        WORKER_LEAVE = "worker_leave", _("工作者离开")

    sanxin_org = models.ForeignKey(SanxinOrg, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=30, choices=Action.choices)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["sanxin_org", "-at"], name="sanxinchange_org_at")]

    def __str__(self) -> str:
        return f"{self.sanxin_org_id} {self.action}"


class SanxinWorker(models.Model):
    """A person working in a registered organisation (工作者库); left_on ends the row."""

    sanxin_org = models.ForeignKey(
        SanxinOrg, verbose_name=_("三新组织"), on_delete=models.PROTECT, related_name="workers_set"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.CharField(_("岗位"), max_length=50, blank=True, default="")
    joined_on = models.DateField(_("入职日期"))
    left_on = models.DateField(_("离开日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("三新工作者")
        verbose_name_plural = pgettext_lazy("plural", "三新工作者")
        ordering = ["sanxin_org_id", "joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sanxin_org", "person"],
                condition=Q(left_on__isnull=True),
                name="sanxinworker_current_unique",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="sanxinworker_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sanxin_org_id} {self.person_id}"


class ExemplaryWoman(models.Model):
    """优秀女性名册: a woman listed for her deeds, at a unit, optionally of a 三新 organisation."""

    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("推荐组织"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    sanxin_org = models.ForeignKey(
        SanxinOrg,
        verbose_name=_("三新组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exemplary_women",
    )
    reason = models.TextField(_("主要事迹"))
    listed_on = models.DateField(_("入册日期"))
    delisted_on = models.DateField(_("出册日期"), null=True, blank=True)
    delisted_reason = models.CharField(_("出册原因"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("优秀女性")
        verbose_name_plural = pgettext_lazy("plural", "优秀女性")
        ordering = ["-listed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(delisted_on__isnull=True),
                name="exemplary_current_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.listed_on}"


class ExemplaryWomanChange(ChangeRow):
    exemplary = models.ForeignKey(ExemplaryWoman, on_delete=models.PROTECT, related_name="changes")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.exemplary_id} {self.action}"


class SanxinTarget(models.Model):
    """A goal of an org for a period, e.g. 宣城市 "到2026年建立千个三新领域妇联组织"."""

    class Metric(models.TextChoices):
        FEDERATIONS = "federations_established", _("建立三新妇联组织")
        ORGS = "orgs_registered", _("登记三新组织")
        WOMEN = "women_listed", _("优秀女性入册")

    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("目标名称"), max_length=100)
    metric = models.CharField(_("指标"), max_length=30, choices=Metric.choices)
    target_value = models.PositiveIntegerField(_("目标值"))
    period_start = models.DateField(_("起始日期"))
    deadline = models.DateField(_("截止日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("三新工作目标")
        verbose_name_plural = pgettext_lazy("plural", "三新工作目标")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=F("period_start")), name="sanxintarget_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title


class SanxinTargetChange(ChangeRow):
    target = models.ForeignKey(SanxinTarget, on_delete=models.PROTECT, related_name="changes")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.target_id} {self.action}"

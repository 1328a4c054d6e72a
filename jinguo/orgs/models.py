from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.models import ChangeRow
from jinguo.orgs import tree
from jinguo.orgs.kinds import TERRITORIAL_LEVEL, Kind


def path_range_q(unit: "OrgUnit", field: str) -> Q:
    """Rows whose unit (through `field`, e.g. "org__"; "" for units themselves) lies in
    `unit`'s subtree. For the tree's only root (a city's whole federation) every unit does, so
    through a relation this is just "has a unit": the same rows without joining and hashing
    every unit of the tree, ≈3.5 ms a query on a city of 11,000 units."""
    if field and unit.holds_every_unit:
        return Q(**{f"{field.removesuffix('__')}__isnull": False})
    return Q(**{f"{field}path__gte": unit.path, f"{field}path__lt": tree.upper_bound(unit.path)})


class OrgUnit(models.Model):
    """A node of the federation's organisation tree: territorial (city … micro-grid) or not."""

    Kind = Kind

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    # Statistical division code for territorial units (12 digits; grids 15, micro-grids 18);
    # optional for other federations (e.g. a unified social credit code).
    code = models.CharField(_("编码"), max_length=18, blank=True, default="")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=128, unique=True, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = pgettext_lazy("plural", "组织")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="orgunit_code_unique_when_set"
            ),
            models.UniqueConstraint(
                fields=["parent", "kind", "name"],
                condition=Q(is_active=True),
                name="orgunit_sibling_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return tree.depth(self.path)

    @property
    def level(self) -> int | None:
        """Territorial level 1 (city) … 6 (micro-grid); None for other federations."""
        return TERRITORIAL_LEVEL.get(self.kind)

    @property
    def is_territorial(self) -> bool:
        return self.kind in TERRITORIAL_LEVEL

    @cached_property
    def holds_every_unit(self) -> bool:
        """Whether every unit lies in this one's subtree: it is the tree's only root. Asked
        once per instance (one query, roots only)."""
        if self.parent_id is not None:
            return False
        others = OrgUnit.objects.filter(parent__isnull=True).exclude(pk=self.pk)
        return not others.exists()

    def subtree_q(self, field: str = "") -> Q:
        """Q matching this node and every node below it, through `field` (e.g. "org__")."""
        return path_range_q(self, field)

    def contains(self, other: "OrgUnit") -> bool:
        return tree.within(other.path, self.path)


class Venue(models.Model):
    """A place where the federation works with women: 妇女之家, 妇女微家, 执委工作室, 调解室…"""

    class Kind(models.TextChoices):
        WOMEN_HOME = "women_home", _("妇女之家")
        WOMEN_MICRO_HOME = "women_micro_home", _("妇女微家")
        EXECUTIVE_STUDIO = "executive_studio", _("执委工作室")
        MEDIATION_ROOM = "mediation_room", _("调解室")
        NEIGHBOUR_HOME = "neighbour_home", _("近邻娘家")

    org = models.ForeignKey(
        OrgUnit, verbose_name=_("所属组织"), on_delete=models.PROTECT, related_name="venues"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True, default="")
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("阵地")
        verbose_name_plural = pgettext_lazy("plural", "阵地")
        ordering = ["org_id", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class OrgUnitChange(ChangeRow):
    """History of the tree: one row per change to a node, with the old and new values."""

    class Action(models.TextChoices):
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        MOVE = "move", _("调整上级")
        MERGE_INTO = "merge_into", _("并入")
        MERGE_FROM = "merge_from", _("合并")
        IMPORT = "import", _("导入")

    org = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["org", "-at"], name="orgchange_org_at")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

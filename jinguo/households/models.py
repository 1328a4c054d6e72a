from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.models import ChangeRow
from jinguo.households.tokens import category_token


class Category(models.Model):
    """A key-household category (低保, 残疾, 困境儿童…) and how often its households are visited.

    Data, not code: each federation can add or retune categories; the defaults come from a
    data migration.
    """

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    visit_interval_days = models.PositiveIntegerField(_("走访周期（天）"))
    # More households of this category than this per executive is a warning on the coverage page.
    max_per_executive = models.PositiveIntegerField(_("每名执委上限（户）"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    # 低保, 残疾, 困境儿童…: which families hold it is sensitive personal information, masked
    # for everyone but the grid's own executives (households.policy).
    sensitive = models.BooleanField(
        _("敏感类别"),
        default=False,
        help_text=_("勾选后，除本网格执委外，台账、详情、接口和导出中均显示为“敏感类别”。"),
    )

    class Meta:
        verbose_name = _("重点类别")
        verbose_name_plural = pgettext_lazy("plural", "重点类别")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class HouseholdQuerySet(models.QuerySet["Household"]):
    """Households; `with_categories()` loads the held categories of every household fetched
    in two queries, like a prefetch (a category is a token on the link, not a relation)."""

    _with_categories = False

    def with_categories(self) -> "HouseholdQuerySet":
        clone = self.all()  # QuerySet.all() is _chain(), typed
        clone._with_categories = True
        return clone

    def _clone(self) -> "HouseholdQuerySet":
        clone = super()._clone()  # type: ignore[misc]  # private QuerySet API, not in django-stubs
        clone._with_categories = self._with_categories
        return clone

    def _fetch_all(self) -> None:
        loaded = self._result_cache is not None
        super()._fetch_all()
        if self._with_categories and not loaded:
            households = [h for h in self._result_cache or [] if isinstance(h, Household)]
            attach_categories(households)


class Household(models.Model):
    """A household of the ledger (台账). `grid` is its home grid, which owns the record; a
    relocated household (拆迁户) living elsewhere also has `living_grid`, whose executive covers
    it where it lives."""

    number = models.CharField(_("户号"), max_length=40, unique=True)
    grid = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("所属网格"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    living_grid = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("现居住网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="living_households",
    )
    address = models.CharField(_("户籍地址"), max_length=200, blank=True, default="")
    living_address = models.CharField(_("现住址"), max_length=200, blank=True, default="")
    head = models.ForeignKey(
        "people.Person",
        verbose_name=_("户主"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("备注"), max_length=500, blank=True, default="")
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The visit plan, stored so that "who is due" is an index range rather than a MAX over
    # every visit of every household in scope (jinguo.households.plan keeps them right):
    # the latest visit, the smallest interval of its active categories (null: not planned),
    # and the day the next visit is due ((last visit or registration day) + interval).
    last_visited_on = models.DateField(_("最近走访"), null=True, blank=True, editable=False)
    visit_interval_days = models.PositiveIntegerField(null=True, blank=True, editable=False)
    visit_due_on = models.DateField(_("应走访日期"), null=True, blank=True, editable=False)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭")
        verbose_name_plural = pgettext_lazy("plural", "家庭")
        ordering = ["grid_id", "number"]
        indexes = [
            models.Index(fields=["grid", "number"], name="household_grid_number"),
            models.Index(fields=["living_grid"], name="household_living_grid"),
            models.Index(fields=["grid", "visit_due_on"], name="household_grid_due"),
            # The to-do reads "due first, then by number, the first 300": with the number in
            # the index the LIMIT stops the scan, rather than joining every due household.
            models.Index(fields=["visit_due_on", "number"], name="household_due_number"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def held_categories(self) -> list[Category]:
        """The categories it holds, by sort order. Lists load them for the whole page at once
        (HouseholdQuerySet.with_categories); otherwise the first use costs two queries."""
        held = self.__dict__.get("_held_categories")
        if held is None:
            held = self.__dict__["_held_categories"] = held_categories([self.pk])[self.pk]
        return held

    def forget_categories(self) -> None:
        self.__dict__.pop("_held_categories", None)

    @property
    def is_relocated(self) -> bool:
        return self.living_grid_id is not None and self.living_grid_id != self.grid_id


class HouseholdCategory(models.Model):
    """That a household holds a key category, with the category stored as a keyed token, never
    its id: which families are 低保 or 困境儿童 is sensitive, and a dump or a backup read without
    the keys must not say it. households.tokens turns categories into tokens, the functions at
    the end of this module turn them back."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="category_links"
    )
    token = models.CharField(max_length=40)
    since = models.DateField(_("认定日期"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "token"], name="household_category")
        ]
        indexes = [models.Index(fields=["token", "household"], name="category_household")]

    def __str__(self) -> str:
        return f"{self.household_id}:{self.token[:8]}"


class Resident(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", _("户主")
        SPOUSE = "spouse", _("配偶")
        CHILD = "child", _("子女")
        PARENT = "parent", _("父母")
        GRANDCHILD = "grandchild", _("孙子女")
        SIBLING = "sibling", _("兄弟姐妹")
        OTHER = "other", _("其他")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="residents")
    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="residence"
    )
    relation = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices)

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = pgettext_lazy("plural", "家庭成员")

    def __str__(self) -> str:
        return f"{self.household_id}:{self.person_id}"


class HouseholdAssignment(models.Model):
    """包保: an executive responsible for a household, for a dated period. A handover ends one
    row and opens another; nothing is overwritten, so the history answers "who covered this
    family in March"."""

    class Kind(models.TextChoices):
        RESPONSIBLE = "responsible", _("包保")
        COVERING = "covering", _("就近联系")  # the executive where a relocated family now lives

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="assignments")
    executive = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="household_assignments"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["household_id", "-start_date", "-id"]
        indexes = [
            models.Index(fields=["household", "kind", "end_date"], name="assignment_open"),
            models.Index(fields=["executive", "end_date"], name="assignment_executive"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} → {self.executive_id} ({self.kind})"


class GridAssignment(models.Model):
    """An executive assigned to a grid (执委进网格), dated like household assignments."""

    executive = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="grid_assignments"
    )
    grid = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="executive_assignments"
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["grid_id", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["executive", "grid"],
                condition=Q(end_date__isnull=True),
                name="grid_assignment_open_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.executive_id} @ {self.grid_id}"


class HouseholdChange(ChangeRow):
    """Every change to a household: who, when, old → new."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="changes")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.action}"


# --- held categories: a link holds a token (households.tokens), read back here ------------------


def categories_by_token(categories: Iterable[Category] | None = None) -> dict[str, Category]:
    """Token → category for `categories` (every category, one query, when None)."""
    if categories is None:
        categories = Category.objects.all()
    return {category_token(c.pk): c for c in categories}


def holding(category_id: int, *, field: str = "pk") -> Q:
    """Rows whose `field` is a household holding the category (an EXISTS on the link)."""
    links = HouseholdCategory.objects.filter(
        household_id=OuterRef(field), token=category_token(category_id)
    )
    return Q(Exists(links))


def in_order(categories: Iterable[Category]) -> list[Category]:
    """Categories as the ledger, history and exports list them (Category's own ordering)."""
    return sorted(categories, key=lambda c: (c.sort_order, c.pk))


def held_links(household_ids: Iterable[int]) -> QuerySet[HouseholdCategory, Any]:
    """The links of these households, as (household id, token) pairs."""
    links = HouseholdCategory.objects.filter(household_id__in=list(household_ids))
    return links.values_list("household_id", "token")


def categories_of_links(
    household_ids: Iterable[int],
    links: Iterable[tuple[int, str]],
    *,
    categories: list[Category] | None = None,
) -> dict[int, list[Category]]:
    """Household id → its categories by sort order, of its (household id, token) links: no
    query when `categories` (every category) are given, one otherwise."""
    result: dict[int, list[Category]] = {pk: [] for pk in household_ids}
    pairs = list(links)
    if not pairs:
        return result
    by_token = categories_by_token(categories)
    for household_id, token in pairs:
        category = by_token.get(token)
        if category is not None:  # a token of no category: written under another key
            result[household_id].append(category)
    return {pk: in_order(held) for pk, held in result.items()}


def held_categories(household_ids: Iterable[int]) -> dict[int, list[Category]]:
    """Household id → the categories it holds by sort order: two queries for any number."""
    ids = list(household_ids)
    if not ids:
        return {}
    return categories_of_links(ids, held_links(ids))


def with_categories(households: QuerySet[Household]) -> QuerySet[Household]:
    """`households` that load their held categories page by page, like a prefetch."""
    if not isinstance(households, HouseholdQuerySet):
        raise TypeError("with_categories needs a Household queryset")
    return households.with_categories()


def attach_categories(households: Iterable[Household]) -> None:
    """Set every household's held categories (Household.held_categories) in two queries."""
    households = list(households)
    held = held_categories(h.pk for h in households)
    for household in households:
        household.__dict__["_held_categories"] = held.get(household.pk, [])


def links_by_household(household_ids: Iterable[int]) -> dict[int, set[int]]:
    """Household id → ids of the categories it holds (unknown tokens left out)."""
    held = held_categories(household_ids)
    return {pk: {c.pk for c in categories} for pk, categories in held.items() if categories}

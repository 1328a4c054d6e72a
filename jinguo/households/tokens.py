"""Which key categories a household holds, stored as keyed tokens instead of category ids.

Holding 低保, 残疾 or 困境儿童 is sensitive personal information, so the link table
(HouseholdCategory) must not say it in clear: a database dump or a backup read without the keys
would otherwise list every low-income family and every child in difficulty. Each link stores
`token` = HMAC(blind-index key, "household-category:<category id>"), a blind index like
`Person.id_hash`: equal categories give equal tokens, so "who holds 低保" stays an equality
filter on an indexed column, but mapping a token back to a category needs the key.

SQL that needs a category's attributes (its interval, whether it is active, its cap) gets a
CASE over the tokens of the few categories, built here in Python from the Category table.

What a blind index does not hide: how many households share a token, and, on the household,
the stored visit interval that the categories produce (households.plan).
"""

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from jinguo.common import crypto
from jinguo.households.models import Category, Household, HouseholdCategory, HouseholdQuerySet

# Part of the stored data: changing it orphans every link (migration households/0006 uses it).
TOKEN_PREFIX = "household-category:"  # noqa: S105 (a label, not a secret)


@lru_cache(maxsize=4096)
def category_token(category_id: int) -> str:
    return crypto.blind_index(f"{TOKEN_PREFIX}{category_id}")


def category_tokens(category_ids: Iterable[int]) -> list[str]:
    return [category_token(pk) for pk in category_ids]


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


def token_case(values: dict[int, Any], *, field: str = "token") -> Any:
    """A CASE giving `values[category id]` for a link's token (NULL for any other token)."""
    whens = [When(**{field: category_token(pk)}, then=Value(v)) for pk, v in values.items()]
    if not whens:
        return Value(None, output_field=IntegerField())
    return Case(*whens, default=None, output_field=IntegerField())


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
